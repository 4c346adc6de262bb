// What an observed test run yields, whatever the language: per-test outcome, executed source lines,
// user frames of the failure and value snapshots. Both runners (Python, JavaScript) produce this, read
// from the JSON lines their in-sandbox helper appends as it goes, so a killed run still has results.
import { existsSync, readFileSync } from 'node:fs';
import type { StackFrame, TestStatus } from '../../../common/results';
import type { ValueSnapshot } from '../../../common/localize';

export interface TestRecord {
  id: string;
  status: TestStatus;
  /** Executed source lines as [file, line]. */
  lines: [string, number][];
  message?: string;
  frames: StackFrame[];
}

export interface ValueRecord extends ValueSnapshot {
  test: string;
  file: string;
  line: number;
}

export interface RunRecords {
  tests: TestRecord[];
  /** Source lines run while the test files were loaded, before any test. */
  loadLines: [string, number][];
  values: ValueRecord[];
  /** Value snapshots left out because of the bounds, per "test\0file\0line". */
  omitted: Map<string, number>;
  /** The test that was running when the process ended without finishing it, if any. */
  unfinished?: string;
}

interface RawLine {
  kind: 'start' | 'test' | 'value' | 'omitted' | 'load';
  test: string;
  status?: TestStatus;
  lines?: [string, number][];
  message?: string | null;
  frames?: StackFrame[];
  file?: string;
  line?: number;
  hit?: number;
  before?: Record<string, string>;
  after?: Record<string, string>;
  returned?: string;
}

export function readRecords(outFile: string): RunRecords {
  const result: RunRecords = { tests: [], loadLines: [], values: [], omitted: new Map() };
  if (!existsSync(outFile)) return result;
  let started: string | undefined;
  for (const text of readFileSync(outFile, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    let raw: RawLine;
    try {
      raw = JSON.parse(text) as RawLine;
    } catch {
      continue; // a line cut short by a kill
    }
    if (raw.kind === 'start') started = raw.test;
    else if (raw.kind === 'load') result.loadLines.push(...(raw.lines ?? []));
    else if (raw.kind === 'test') {
      started = undefined;
      result.tests.push({ id: raw.test, status: raw.status ?? 'error', lines: raw.lines ?? [], message: raw.message ?? undefined, frames: raw.frames ?? [] });
    } else if (raw.kind === 'value' && raw.file && raw.line && raw.before) {
      result.values.push({ test: raw.test, file: raw.file, line: raw.line, hit: raw.hit ?? 1, before: raw.before, after: raw.after, returned: raw.returned });
    } else if (raw.kind === 'omitted' && raw.file && raw.line) {
      const key = `${raw.test}\0${raw.file}\0${raw.line}`;
      result.omitted.set(key, (result.omitted.get(key) ?? 0) + 1);
    }
  }
  result.unfinished = started;
  return result;
}

/** A test that started but never finished (the process was stopped) counts as timed out. */
export function finishRecords(records: RunRecords): RunRecords {
  if (records.unfinished) {
    records.tests.push({ id: records.unfinished, status: 'timedOut', lines: [], message: 'test did not finish within the time limit', frames: [] });
    records.unfinished = undefined;
  }
  return records;
}

export function isFailure(status: TestStatus): boolean {
  return status === 'failed' || status === 'error' || status === 'timedOut';
}
