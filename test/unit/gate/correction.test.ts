// The per-user keep-rate correction (common/gate/correction.ts): a simulated user whose acceptance drifts gets
// the promised keep rate back from exploration outcomes; without exploration it never moves; poisoned input
// leaves the level and thresholds in range. A user is simulated by the lowest level that shows each of their
// suggestions (the gate's levels are nested), drawn from how that user takes suggestions.
import * as assert from 'node:assert/strict';
import { KeepCorrection } from '../../../common/gate/correction';
import { CASCADE_LEVELS } from '../../../common/gate/model';
import { seeded } from '../../../server/src/gate/gbt';

const TARGET = 0.95;
/** Share of accepted suggestions shown at level l: calibrated (l itself), and after the drift: three times as many
 * hidden (0.85 kept at the 0.95 level; 0.985 is the level that keeps 95.5% again). */
const calibrated = (l: number) => (l >= 1 ? 1 : l);
const drifted = (l: number) => (l >= 1 ? 1 : Math.max(0, 1 - 3 * (1 - l)));
const rejectedShown = (l: number) => (l >= 1 ? 1 : Math.max(0, l - 0.2));

interface Sim { step(): void; window: { accepted: number; kept: number }; exploredSinceDrift: number }

function simulate(c: KeepCorrection, seed: number, exploreRate: number, driftAt: number): Sim & { t: number } {
  const rng = seeded(seed);
  const draw = (F: (l: number) => number) => { const u = rng(); return CASCADE_LEVELS.find((l) => F(l) >= u) ?? 1; };
  const sim = {
    t: 0, exploredSinceDrift: 0, window: { accepted: 0, kept: 0 },
    step() {
      const drift = sim.t++ >= driftAt;
      const accepted = rng() < 0.35;
      const required = accepted ? draw(drift ? drifted : calibrated) : draw(rejectedShown);
      const shown = required <= c.level + 1e-9;
      const explore = !shown && rng() < exploreRate;
      if (explore && drift) sim.exploredSinceDrift++;
      if (accepted) { sim.window.accepted++; if (shown) sim.window.kept++; }
      if (shown || explore) c.record({ required, propensity: shown ? 1 : exploreRate, accepted });
    },
  };
  return sim;
}

describe('gate keep-rate correction', () => {
  it('brings a drifting user back to within 2 points of the keep-rate after 300 explored decisions (5% exploration)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = new KeepCorrection(CASCADE_LEVELS, TARGET);
      const sim = simulate(c, seed, 0.05, 5000);
      while (sim.t < 5000) sim.step();
      assert.equal(c.level, TARGET, 'a calibrated user keeps the level asked');
      // right after the drift the stored thresholds keep far less than asked
      sim.window = { accepted: 0, kept: 0 };
      for (let i = 0; i < 1000; i++) sim.step();
      assert.ok(sim.window.kept / sim.window.accepted < 0.9, `seed ${seed}: drifted keep ${sim.window.kept / sim.window.accepted}`);
      while (sim.exploredSinceDrift < 300) sim.step();
      sim.window = { accepted: 0, kept: 0 };
      for (let i = 0; i < 5000; i++) sim.step();
      const keep = sim.window.kept / sim.window.accepted;
      assert.ok(Math.abs(keep - TARGET) <= 0.02, `seed ${seed}: kept ${keep.toFixed(3)} at level ${c.level}`);
      assert.ok(c.level > TARGET, 'the thresholds moved down for this user');
      const e = c.estimate();
      assert.ok(e.low <= e.keep && e.keep <= e.high && e.explored >= 10, JSON.stringify(e));
    }
  });

  it('never moves without exploration data, however many suggestions it hides', () => {
    const c = new KeepCorrection(CASCADE_LEVELS, TARGET);
    const sim = simulate(c, 7, 0, 0);
    for (let i = 0; i < 20_000; i++) sim.step();
    assert.ok(sim.window.kept / sim.window.accepted < 0.9, 'the user loses suggestions');
    assert.equal(c.level, TARGET);
    assert.equal(c.estimate().explored, 0);
    // a few explored decisions are not enough either
    for (let i = 0; i < 5; i++) c.record({ required: 1, propensity: 0.02, accepted: true });
    assert.equal(c.level, TARGET, 'fewer explored decisions than the minimum');
    for (let i = 0; i < 10; i++) c.record({ required: 1, propensity: 0.02, accepted: true });
    assert.ok(c.level > TARGET, 'with enough explored accepts it moves');
  });

  it('keeps the level on a stored level through extreme and poisoned outcomes, and restores only valid state', () => {
    let n = 0;
    const streams: [string, () => { required: number; propensity: number; accepted: boolean }][] = [
      ['all accepted, all hidden', () => ({ required: 1, propensity: 0.02, accepted: true })],
      ['all accepted, all shown', () => ({ required: 0.7, propensity: 1, accepted: true })],
      ['all rejected', () => ({ required: 1, propensity: 0.02, accepted: false })],
      ['NaN and out-of-range values', () => ({ required: NaN, propensity: n++ % 2 ? NaN : -3, accepted: true })],
      ['infinite weights', () => ({ required: 2, propensity: 0, accepted: true })],
    ];
    for (const [name, next] of streams) {
      const c = new KeepCorrection(CASCADE_LEVELS, TARGET);
      for (let i = 0; i < 3000; i++) {
        c.record(next());
        assert.ok(CASCADE_LEVELS.includes(c.level), `${name}: level ${c.level}`);
      }
      const e = c.estimate();
      for (const v of [e.keep, e.low, e.high]) assert.ok(Number.isNaN(v) || (v >= 0 && v <= 1), `${name}: ${JSON.stringify(e)}`);
    }
    const c = new KeepCorrection(CASCADE_LEVELS, TARGET);
    c.restore({ target: 0.95, levels: [0.9, NaN], exact: [1, 2], exploredN: [0, 0], exploredW: [0, 0], explored: 1e9, accepted: 3 });
    assert.equal(c.estimate().explored, 0, 'malformed state is ignored');
    const moved = new KeepCorrection(CASCADE_LEVELS, TARGET);
    for (let i = 0; i < 40; i++) moved.record({ required: 1, propensity: 0.05, accepted: true });
    c.restore(JSON.parse(JSON.stringify(moved.toJSON())));
    assert.equal(c.level, moved.level, 'the saved state restores the same level');
  });
});
