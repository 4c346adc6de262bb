// Turns an upload body (a JSON array, or JSONL) into storable rows: every event checked with the shared
// schema-v1 validator, errors named by index, id and field, and raw user ids replaced by a per-team HMAC
// pseudonym before anything is stored.
import { createHmac } from 'node:crypto';
import { validateEvent, type SuggestionEvent } from '../../../common/events';
import type { EventRow } from './storage';

export interface EventError { index: number; id?: string; field: string; message: string }

export class BatchError extends Error {
  constructor(message: string, readonly errors: EventError[] = [], readonly invalid = errors.length) { super(message); }
}

const MAX_REPORTED = 20;

/** Decodes the body per its media type; throws BatchError naming the line or position at fault. */
export function decodeBatch(text: string, mediaType: 'json' | 'ndjson'): unknown[] {
  if (mediaType === 'ndjson') {
    const out: unknown[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        throw new BatchError(`line ${i + 1}: not valid JSON (${(err as Error).message})`);
      }
    }
    return out;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BatchError(`body is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new BatchError('body must be a JSON array of events (or JSONL with content-type application/x-ndjson)');
  return value;
}

const hasNul = (s: unknown) => typeof s === 'string' && s.includes('\u0000');

/** Validates every event; all-or-nothing, so a client can fix its batch and resend it whole. */
export function validateBatch(values: unknown[]): SuggestionEvent[] {
  if (!values.length) throw new BatchError('the batch contains no events');
  const events: SuggestionEvent[] = [];
  const errors: EventError[] = [];
  let invalid = 0;
  values.forEach((value, index) => {
    const v = validateEvent(value);
    let field = v.ok ? '' : v.field;
    let message = v.ok ? '' : v.error;
    if (v.ok) {
      const e = v.event;
      // PostgreSQL text cannot hold NUL; refuse it on both backends so they accept the same batches.
      for (const [f, s] of [['id', e.id], ['sid', e.sid], ['ctx.lang', e.ctx?.lang]] as const) {
        if (hasNul(s)) { field = f; message = 'must not contain NUL characters'; break; }
      }
      if (!field) { events.push(e); return; }
    }
    invalid++;
    if (errors.length < MAX_REPORTED) {
      const id = typeof (value as { id?: unknown })?.id === 'string' ? (value as { id: string }).id : undefined;
      errors.push({ index, ...(id !== undefined && { id }), field, message });
    }
  });
  if (invalid) {
    const first = errors[0];
    const which = `event ${first.index}${first.id !== undefined ? ` (id ${JSON.stringify(first.id)})` : ''}`;
    const more = invalid > 1 ? ` (and ${invalid - 1} more invalid event${invalid > 2 ? 's' : ''})` : '';
    throw new BatchError(`${which}: ${first.field ? `field ${first.field} ` : ''}${first.message}${more}; nothing was stored`, errors, invalid);
  }
  return events;
}

/** Maps raw user ids to stable pseudonyms for one team; memoised per batch, where users repeat. */
export function pseudonymizer(userSecret: string): (user: string) => string {
  const memo = new Map<string, string>();
  return (user) => {
    let p = memo.get(user);
    if (!p) memo.set(user, (p = 'u_' + createHmac('sha256', userSecret).update(user).digest('hex').slice(0, 32)));
    return p;
  };
}

export function toRow(e: SuggestionEvent, pseudonym: (user: string) => string): EventRow {
  const userHash = pseudonym(e.user);
  return {
    id: e.id, ts: e.ts, userHash, kind: e.kind, type: e.type, sid: e.sid,
    lang: e.ctx?.lang ?? null,
    gateExplore: e.gate?.explore == null ? null : e.gate.explore ? 1 : 0,
    retentionAfterMs: e.retention?.afterMs ?? null,
    retentionSurvived: e.retention?.survived ?? null,
    body: JSON.stringify({ ...e, user: userHash }),
  };
}
