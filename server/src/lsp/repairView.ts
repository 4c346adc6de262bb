// What the editor shows of a folder's last localization or repair: the state kept per folder, the hover on a
// suspicious line (rank, score, evidence, the failing tests' runtime values there), the titles naming the
// tests a fix makes pass and the outcome messages. Pure: the feature supplies the state.
import type { MarkupContent } from 'vscode-languageserver/node';
import { ownScore, type Localization, type RuntimeValues, type SuspiciousLine } from '../../../common/localize';
import type { RepairFix, RepairPartialFix, RepairResult } from '../../../common/repair';
import type { EngineResult } from '../selfdebug/cli';

export interface FolderRepair {
  root: string;
  folderUri: string;
  /** The search's outcome; absent while the lines come from the localization after a failing test run. */
  result?: RepairResult;
  /** Links the fix's events (kind 'fix': shown, accepted, rejected); set when the result has a fix. */
  sid?: string;
  /** The localization shown (the search's ranking, with the runtime values recorded afterwards). */
  localization?: Localization;
  /** Text of each source file when the search (or localization) started: a fix applies only to exactly this text. */
  originals: Map<string, string>;
  /** Test files of the folder (relative): a fix touching one is never offered. */
  tests: Set<string>;
}

const maxSnapshots = 3;
const maxValueChars = 120;
const maxValuesChars = 1500;

/** The short name of a test id ("test_x.py::test_a" -> "test_a"). */
export function testName(id: string): string {
  return id.split('::').pop()!.split(' > ').pop()!.trim() || id;
}

/** At most three short test names: "test_a, test_b, test_c, +2 more". */
function namesPhrase(ids: string[]): string {
  const names = ids.map(testName);
  return names.slice(0, 3).join(', ') + (names.length > 3 ? `, +${names.length - 3} more` : '');
}

/** "makes 2 tests pass: test_a, test_b". */
export function testsPhrase(fix: RepairFix): string {
  const n = fix.testsFixed.length;
  return `makes ${n} test${n === 1 ? '' : 's'} pass${n ? `: ${namesPhrase(fix.testsFixed)}` : ''}`;
}

/** The fix the editor offers: the best complete one, else (status partial) the best partial one. */
export interface OfferedFix {
  fix: RepairFix;
  partial?: RepairPartialFix;
}

export function offeredFix(r: RepairResult | undefined): OfferedFix | undefined {
  if (r?.fixes[0]) return { fix: r.fixes[0] };
  const partial = r?.status === 'partial' ? r.partialFixes?.at(-1) : undefined;
  return partial && { fix: partial, partial };
}

/** "makes 2 tests pass: a, b", or for a partial fix "makes 2 of 3 failing tests pass: a, b". */
export function offeredPhrase(o: OfferedFix): string {
  return o.partial ? `${o.partial.summary}${o.fix.testsFixed.length ? `: ${namesPhrase(o.fix.testsFixed)}` : ''}` : testsPhrase(o.fix);
}

/** What the preview says under its title: what the fix verifies, what is left, and why this one. */
export function offeredDetail(o: OfferedFix, r: RepairResult): string {
  if (o.partial) {
    const left = o.partial.testsStillFailing;
    return `A partial fix: ${o.partial.summary}${left.length ? ` (still failing: ${namesPhrase(left)})` : ''}; every test that passed still passes; test files are not edited.`;
  }
  const chosen = r.preference?.reason ? ` Preferred: ${r.preference.reason}.` : '';
  return `Every test passes with this change; test files are not edited.${chosen}`;
}

/** "4.2 s" under ten seconds, whole seconds from there. */
export function secondsText(seconds: number): string {
  return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

/** What the search did: "in 4.2 s (312 candidates tried)". */
export function effortPhrase(r: Pick<RepairResult, 'candidatesTried'>, seconds: number): string {
  return `in ${secondsText(seconds)} (${r.candidatesTried} candidate${r.candidatesTried === 1 ? '' : 's'} tried)`;
}

/**
 * The search's outcome for the editor's message: found, not found (calmly, with the time it took and the
 * candidates it tried: the localization stays), or why no search ran.
 */
export function outcomeMessage(r: RepairResult, seconds: number): { warning: boolean; message: string } {
  const offered = offeredFix(r);
  const llm = r as Partial<EngineResult>;
  const where = 'apply or preview it from the light bulb on a suspicious line';
  if (offered?.partial) {
    const left = offered.partial.testsStillFailing;
    return { warning: false, message: `Loopwise: no complete fix found ${effortPhrase(r, seconds)}, but a verified partial fix ${offeredPhrase(offered)}${left.length ? ` (still failing: ${namesPhrase(left)})` : ''}; ${where}.` };
  }
  if (offered) {
    const by = llm.fixedBy === 'llm' ? ' by the LLM' : '';
    const chosen = r.preference?.reason ? ` (${r.preference.reason})` : '';
    const why = llm.fixedBy === 'llm' && llm.explanation ? ` ${firstSentences(llm.explanation)}` : '';
    return { warning: false, message: `Loopwise: found a verified fix${by} ${effortPhrase(r, seconds)}: ${testsPhrase(offered.fix)}${chosen}; ${where}.${why}` };
  }
  if (r.status === 'noFix') {
    const attempt = llm.bestAttempt ? ' The best unverified LLM attempt is in Output > Loopwise (not applied).' : '';
    return { warning: false, message: `No verified fix found ${effortPhrase(r, seconds)}; the suspicious lines are still shown.${attempt}` };
  }
  if (r.status === 'alreadyPassing') return { warning: false, message: `Loopwise: ${r.message ?? 'all tests pass: nothing to repair.'}` };
  return { warning: true, message: `Loopwise: ${r.message ?? 'no repair was searched.'}` };
}

/** The model's explanation, shortened for a notification (the whole text goes to the output). */
function firstSentences(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function suspiciousAt(state: FolderRepair, file: string, line1: number): SuspiciousLine | undefined {
  return state.localization?.lines.find((l) => l.file === file && l.line === line1);
}

export function hoverFor(state: FolderRepair, line: SuspiciousLine): MarkupContent {
  const loc = state.localization!;
  const e = line.evidence;
  const parts = [`**Loopwise: suspicious line** (rank ${line.rank} of ${loc.lines.length}, score ${ownScore(line).toFixed(2)})`, ''];
  const evidence = [
    `run by ${e.failedCovering} of ${e.totalFailed} failing and ${e.passedCovering} of ${e.totalPassed} passing tests (Ochiai ${e.ochiai.toFixed(2)})`,
  ];
  if (e.tracebackDepth !== undefined) evidence.push(`in a failing test's traceback (depth ${e.tracebackDepth})`);
  if (e.mutation) evidence.push(`${e.mutation.mutants} mutants here; the best changed ${e.mutation.changedFailing} failing test outcome(s), fixed ${e.mutation.fixedFailing}`);
  const offered = offeredFix(state.result);
  if (offered?.fix.edits.some((ed) => ed.file === line.file && ed.line === line.line)) {
    evidence.push(`the verified ${offered.partial ? 'partial ' : ''}fix edits this line (${offeredPhrase(offered)})`);
  }
  parts.push(...evidence.map((t) => `- ${t}`));
  const values = loc.values.filter((v) => v.file === line.file && v.line === line.line);
  if (values.length) {
    parts.push('', 'Values when the failing tests reached this line:', '', '```text', valuesText(values), '```');
  } else {
    parts.push('', '_No runtime values were recorded at this line._');
  }
  return { kind: 'markdown', value: parts.join('\n') };
}

/** A few snapshots per test, each value cut short, the whole block bounded. */
function valuesText(values: RuntimeValues[]): string {
  const lines: string[] = [];
  for (const v of values) {
    lines.push(`# ${testName(v.test)}`);
    for (const s of v.snapshots.slice(0, maxSnapshots)) {
      lines.push(`hit ${s.hit}: ${assignments(s.before)}`);
      const changed = s.after ? changedLocals(s.before, s.after) : {};
      if (Object.keys(changed).length) lines.push(`  then: ${assignments(changed)}`);
      if (s.returned !== undefined) lines.push(`  returned: ${cut(s.returned)}`);
    }
    const more = v.omitted + Math.max(0, v.snapshots.length - maxSnapshots);
    if (more) lines.push(`(${more} more execution${more === 1 ? '' : 's'} not shown)`);
  }
  const text = lines.join('\n');
  return text.length > maxValuesChars ? `${text.slice(0, maxValuesChars)}\n…` : text;
}

/** Locals the line set or changed: the rest repeats what `before` already shows. */
function changedLocals(before: Record<string, string>, after: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v));
}

function assignments(locals: Record<string, string>): string {
  const entries = Object.entries(locals);
  return entries.length ? entries.map(([k, v]) => `${k} = ${cut(v)}`).join(', ') : '(no locals)';
}

function cut(value: string): string {
  const oneLine = value.replace(/\s*\n\s*/g, ' ');
  // Code fences inside a value would end the block early.
  const safe = oneLine.replace(/```/g, '`\u200b``');
  return safe.length > maxValueChars ? `${safe.slice(0, maxValueChars)}…` : safe;
}
