// Suggestion events, schema v1: the training contract of DESIGN.md. Types plus one validator used by
// every reader (the local store, the gate trainer, the team collector), so all of them agree on what is valid.

export type SuggestionKind = 'completion' | 'fix' | 'hint';
export type EventType = 'requested' | 'skipped' | 'shown' | 'suppressed' | 'accepted' | 'partial' | 'rejected' | 'retained';

export interface EventContext {
  lang: string;
  docLen?: number | null;
  offset?: number | null;
  prefix?: string | null;
  suffix?: string | null;
}

export interface EventSuggestion {
  text?: string | null;
  chars: number;
  lines: number;
  tokens?: number | null;
  meanLogProb?: number | null;
  meanAltLogProb?: number | null;
}

export interface EventGate {
  stage: 1 | 2;
  score: number;
  threshold: number;
  explore?: boolean | null;
  propensity?: number | null;
}

export interface SuggestionEvent {
  v: 1;
  id: string;
  ts: number;
  user: string;
  session?: string | null;
  kind: SuggestionKind;
  type: EventType;
  sid: string;
  ctx?: EventContext | null;
  sug?: EventSuggestion | null;
  gate?: EventGate | null;
  accepted?: { chars: number } | null;
  retention?: { afterMs: number; survived: number } | null;
  source?: string | null;
}

export const KINDS: readonly SuggestionKind[] = ['completion', 'fix', 'hint'];
export const EVENT_TYPES: readonly EventType[] = ['requested', 'skipped', 'shown', 'suppressed', 'accepted', 'partial', 'rejected', 'retained'];

export type Validation = { ok: true; event: SuggestionEvent } | { ok: false; field: string; error: string };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const absent = (x: unknown) => x === undefined || x === null;

/** Checks one decoded JSON value against schema v1. Unknown versions are refused by name. */
export function validateEvent(x: unknown): Validation {
  const bad = (field: string, error: string): Validation => ({ ok: false, field, error });
  if (!isObj(x)) return bad('', 'event must be a JSON object');
  if (x.v !== 1) return bad('v', `unsupported schema version ${JSON.stringify(x.v)} (this reader understands v1)`);
  for (const f of ['id', 'user', 'sid'] as const) {
    if (typeof x[f] !== 'string' || (x[f] as string).length === 0) return bad(f, 'must be a non-empty string');
    if ((x[f] as string).length > 256) return bad(f, 'must be at most 256 characters');
  }
  if (!isInt(x.ts) || x.ts < 0) return bad('ts', 'must be epoch milliseconds (a non-negative integer)');
  if (!KINDS.includes(x.kind as SuggestionKind)) return bad('kind', `must be one of ${KINDS.join(', ')}`);
  if (!EVENT_TYPES.includes(x.type as EventType)) return bad('type', `must be one of ${EVENT_TYPES.join(', ')}`);
  if (!absent(x.session) && typeof x.session !== 'string') return bad('session', 'must be a string');
  if (!absent(x.source) && typeof x.source !== 'string') return bad('source', 'must be a string');
  if (!absent(x.ctx)) {
    const c = x.ctx;
    if (!isObj(c)) return bad('ctx', 'must be an object');
    if (typeof c.lang !== 'string') return bad('ctx.lang', 'must be a string');
    for (const f of ['docLen', 'offset'] as const) if (!absent(c[f]) && (!isInt(c[f]) || (c[f] as number) < 0)) return bad(`ctx.${f}`, 'must be a non-negative integer');
    for (const f of ['prefix', 'suffix'] as const) if (!absent(c[f]) && typeof c[f] !== 'string') return bad(`ctx.${f}`, 'must be a string');
  }
  if (!absent(x.sug)) {
    const s = x.sug;
    if (!isObj(s)) return bad('sug', 'must be an object');
    for (const f of ['chars', 'lines'] as const) if (!isInt(s[f]) || (s[f] as number) < 0) return bad(`sug.${f}`, 'must be a non-negative integer');
    if (!absent(s.text) && typeof s.text !== 'string') return bad('sug.text', 'must be a string');
    if (!absent(s.tokens) && !isInt(s.tokens)) return bad('sug.tokens', 'must be an integer');
    for (const f of ['meanLogProb', 'meanAltLogProb'] as const) if (!absent(s[f]) && !isNum(s[f])) return bad(`sug.${f}`, 'must be a number');
  }
  if (!absent(x.gate)) {
    const g = x.gate;
    if (!isObj(g)) return bad('gate', 'must be an object');
    if (g.stage !== 1 && g.stage !== 2) return bad('gate.stage', 'must be 1 or 2');
    if (!isNum(g.score)) return bad('gate.score', 'must be a number');
    if (!isNum(g.threshold)) return bad('gate.threshold', 'must be a number');
    if (!absent(g.explore) && typeof g.explore !== 'boolean') return bad('gate.explore', 'must be a boolean');
    if (!absent(g.propensity) && (!isNum(g.propensity) || g.propensity < 0 || g.propensity > 1)) return bad('gate.propensity', 'must be a number in 0..1');
  }
  if (!absent(x.accepted) && (!isObj(x.accepted) || !isInt(x.accepted.chars) || x.accepted.chars < 0)) return bad('accepted.chars', 'must be a non-negative integer');
  if (!absent(x.retention)) {
    const r = x.retention;
    if (!isObj(r) || !isInt(r.afterMs) || r.afterMs < 0) return bad('retention.afterMs', 'must be a non-negative integer');
    if (!isNum(r.survived) || r.survived < 0 || r.survived > 1) return bad('retention.survived', 'must be a number in 0..1');
  }
  return { ok: true, event: x as unknown as SuggestionEvent };
}

/** Outcome events: the ones that decide a shown suggestion's label. */
export const isDecision = (e: SuggestionEvent) => e.type === 'accepted' || e.type === 'partial' || e.type === 'rejected';

/** What the local store keeps: everything, or no code text (prefix, suffix and suggestion text dropped). */
export type PrivacyLevel = 'all' | 'noCode';

/** The event as stored at `level`. The client scores the gate on this same form so training sees what it saw. */
export function redactEvent<E extends Pick<SuggestionEvent, 'ctx' | 'sug'>>(e: E, level: PrivacyLevel): E {
  if (level === 'all' || (!e.ctx && !e.sug)) return e;
  const out: E = { ...e };
  if (e.ctx) { out.ctx = { ...e.ctx }; delete out.ctx.prefix; delete out.ctx.suffix; }
  if (e.sug) { out.sug = { ...e.sug }; delete out.sug.text; }
  return out;
}
