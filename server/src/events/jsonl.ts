// Decoding schema-v1 JSONL text: every line is validated with validateEvent(); malformed lines are skipped and
// counted, a torn final line (no newline, not valid JSON: a write cut short by a crash) is ignored and counted
// apart, and an event of an unknown schema version stops the read with a clear error (never silently dropped).
import { validateEvent, type SuggestionEvent } from '../../../common/events';

export interface DecodedEvents {
  events: SuggestionEvent[];
  /** Lines that are not valid JSON or fail schema v1 (blank lines are not counted). */
  malformedLines: number;
  /** 1 when the text ended in a partial record, else 0. */
  tornLines: number;
  /** The first few problems, "line N: message", for reports. */
  problems: string[];
}

export class UnsupportedVersionError extends Error {}

const MAX_PROBLEMS = 10;

export function decodeEvents(text: string, source = 'events'): DecodedEvents {
  const out: DecodedEvents = { events: [], malformedLines: 0, tornLines: 0, problems: [] };
  let start = 0, lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const terminated = end >= 0;
    if (!terminated) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (!terminated) { out.tornLines = 1; continue; }
      out.malformedLines++;
      if (out.problems.length < MAX_PROBLEMS) out.problems.push(`line ${lineNo}: not valid JSON`);
      continue;
    }
    const r = validateEvent(value);
    if (r.ok) { out.events.push(r.event); continue; }
    if (r.field === 'v' && (value as { v?: unknown }).v !== undefined) {
      throw new UnsupportedVersionError(`${source} line ${lineNo}: ${r.error}`);
    }
    out.malformedLines++;
    if (out.problems.length < MAX_PROBLEMS) out.problems.push(`line ${lineNo}: ${r.field || 'event'} ${r.error}`);
  }
  return out;
}
