// The team dashboard's keep-rate estimate (server/src/collector/aggregate.ts), on both storage backends: the
// share of would-be-accepted completions the gate showed, estimated like each client's correction from explored
// suggestions weighted by 1/propensity; no estimate without an explored decision.
import assert from 'node:assert/strict';
import { dashboardData } from '../../../server/src/collector/aggregate';
import { pseudonymizer, toRow } from '../../../server/src/collector/batch';
import { openStorage } from '../../../server/src/collector/open';
import type { Storage } from '../../../server/src/collector/storage';
import type { SuggestionEvent } from '../../../common/events';
import { BACKENDS, suggestion } from '../collector/helpers';

for (const backend of BACKENDS) {
  describe(`team keep-rate estimate (${backend.name})`, function () {
    this.timeout(60000);
    let db: string;
    let storage: Storage;
    beforeEach(async () => { db = await backend.db(); storage = await openStorage(db); });
    afterEach(async () => { await storage.close(); await backend.dispose(db); });
    const rows = (events: SuggestionEvent[]) => events.map((e) => toRow(e, pseudonymizer('k')));
    const day = Date.UTC(2026, 10, 20, 12);

    it('is absent until an explored suggestion has an outcome', async () => {
      const t = await storage.ensureTeam('one', 'k');
      await storage.insertEvents(t.id, rows([...suggestion('a', 'accepted', { ts: day }), ...suggestion('b', 'rejected', { ts: day + 1 })]), 1);
      const k = (await dashboardData(storage, t.id)).gate.keep;
      assert.deepEqual(k, { keep: null, low: null, high: null, explored: 0, exploredAccepted: 0, keptAccepted: 1 });
    });

    it('counts each explored accepted suggestion as 1/propensity hidden ones', async () => {
      const t = await storage.ensureTeam('one', 'k');
      const evs: SuggestionEvent[] = [];
      // 148 accepted suggestions the gate showed; 1 of 10 explored suggestions (propensity 0.02) was accepted:
      // about 50 accepted ones were hidden, so the gate kept about 148 / (148 + 50)
      for (let i = 0; i < 148; i++) evs.push(...suggestion(`k${i}`, 'accepted', { ts: day + i * 1000, user: `u${i % 3}` }));
      for (let i = 0; i < 10; i++) evs.push(...suggestion(`x${i}`, i === 0 ? 'accepted' : 'rejected', { ts: day + 500_000 + i * 1000, explore: true }));
      for (let i = 0; i < 30; i++) evs.push(...suggestion(`r${i}`, 'rejected', { ts: day + 900_000 + i * 1000 }));
      await storage.insertEvents(t.id, rows(evs), 1);
      const k = (await dashboardData(storage, t.id)).gate.keep;
      assert.equal(k.explored, 10);
      assert.equal(k.exploredAccepted, 1);
      assert.equal(k.keptAccepted, 148);
      assert.ok(Math.abs(k.keep! - 148 / 198) < 1e-9, JSON.stringify(k));
      assert.ok(k.low! < k.keep! && k.keep! < k.high! && k.high! <= 1 && k.low! > 0, JSON.stringify(k));
    });
  });
}
