// Turns an event stream into training examples: labels by the DESIGN.md rules and, for every decided shown
// suggestion, the feature vectors computed from that user's history *before* it (the stream is replayed in
// time order through the same observe()/extractFeatures() the client uses, so nothing from the future leaks).
import type { SuggestionEvent } from '../../../common/events';
import { extractFeatures, STAGE1_FEATURES, STAGE2_FEATURES } from '../../../common/gate/features';
import { newHistory, observe, outcomeOf, type GateHistory } from '../../../common/gate/history';

export interface Examples {
  n: number;
  /** Row-major feature matrices (n x STAGE1_FEATURES.length, n x STAGE2_FEATURES.length). */
  x1: Float64Array;
  x2: Float64Array;
  /** 1 accepted (fully or partly), 0 rejected. */
  y: Uint8Array;
  /** Inverse propensity of exploration-shown suggestions, 1 otherwise (capped so one event cannot dominate). */
  w: Float64Array;
  user: string[];
  ts: number[];
  sid: string[];
}

const MAX_WEIGHT = 50;

/** Completion events in time order (stable: equal timestamps keep their file order). */
export function timeOrdered(events: readonly SuggestionEvent[]): SuggestionEvent[] {
  const idx = events.map((_, i) => i).filter((i) => events[i].kind === 'completion');
  idx.sort((a, b) => events[a].ts - events[b].ts || a - b);
  return idx.map((i) => events[i]);
}

/** Label per suggestion id: 1 when any accepted/partial event exists for it, else 0 when rejected. */
export function deriveLabels(events: readonly SuggestionEvent[]): Map<string, 0 | 1> {
  const labels = new Map<string, 0 | 1>();
  for (const e of events) {
    const y = outcomeOf(e.type);
    if (y === 1) labels.set(e.sid, 1);
    else if (y === 0 && !labels.has(e.sid)) labels.set(e.sid, 0);
  }
  return labels;
}

export function buildExamples(events: readonly SuggestionEvent[]): Examples {
  const ordered = timeOrdered(events);
  const labels = deriveLabels(ordered);
  const d1 = STAGE1_FEATURES.length, d2 = STAGE2_FEATURES.length;
  const rows = new Set<string>();
  for (const e of ordered) if (e.type === 'shown' && labels.has(e.sid)) rows.add(e.sid);
  const n = rows.size;
  const out: Examples = {
    n, x1: new Float64Array(n * d1), x2: new Float64Array(n * d2), y: new Uint8Array(n), w: new Float64Array(n),
    user: [], ts: [], sid: [],
  };
  const histories = new Map<string, GateHistory>();
  let i = 0;
  for (const e of ordered) {
    let h = histories.get(e.user);
    if (!h) histories.set(e.user, (h = newHistory()));
    if (e.type === 'shown' && rows.delete(e.sid)) {
      // stage 2's vector starts with stage 1's features, computed by the same code: one extraction serves both
      const x2 = extractFeatures(2, e, h, out.x2.subarray(i * d2, (i + 1) * d2));
      out.x1.set(x2.subarray(0, d1), i * d1);
      const g = e.gate;
      out.y[i] = labels.get(e.sid)!;
      out.w[i] = g?.explore && g.propensity ? Math.min(1 / g.propensity, MAX_WEIGHT) : 1;
      out.user.push(e.user);
      out.ts.push(e.ts);
      out.sid.push(e.sid);
      i++;
    }
    observe(h, e);
  }
  return out;
}

/** The rows of `ex` listed in `idx`, as a new Examples. */
export function subset(ex: Examples, idx: ArrayLike<number>): Examples {
  const d1 = STAGE1_FEATURES.length, d2 = STAGE2_FEATURES.length;
  const n = idx.length;
  const out: Examples = {
    n, x1: new Float64Array(n * d1), x2: new Float64Array(n * d2), y: new Uint8Array(n), w: new Float64Array(n),
    user: [], ts: [], sid: [],
  };
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    out.x1.set(ex.x1.subarray(i * d1, (i + 1) * d1), k * d1);
    out.x2.set(ex.x2.subarray(i * d2, (i + 1) * d2), k * d2);
    out.y[k] = ex.y[i];
    out.w[k] = ex.w[i];
    out.user.push(ex.user[i]);
    out.ts.push(ex.ts[i]);
    out.sid.push(ex.sid[i]);
  }
  return out;
}
