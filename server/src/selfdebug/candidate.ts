// Turns a parsed model reply into a candidate: the full new text of each edited source file. Edits land at
// function granularity (applyFunctionEdit); a reply is rejected, with a reason the next prompt can quote,
// when it is prose only, touches a test, defines a function the sources do not have, or changes nothing.
import { applyPatch, parsePatch } from 'diff';
import { grammarFor } from '../parse/parser';
import { applyFunctionEdit } from './apply';
import type { CodeBlock, ParsedReply } from './reply';

export interface TaskFiles {
  /** Editable sources: path (relative to the root) -> current text. */
  sources: Record<string, string>;
  /** Test files, relative to the root: never edited. */
  tests: string[];
  /** Test file texts, when known: a block that merely repeats existing tests is then ignored, not rejected. */
  testTexts?: Record<string, string>;
  /** The source the bug most likely lives in (tried first when a block names no file). */
  primary?: string;
}

export type RejectReason = 'prose' | 'testEdit' | 'unknownFunction' | 'noChange' | 'parseError' | 'diffFailed';

export type Candidate =
  | { ok: true; files: Record<string, string>; changed: string[]; shape: 'code' | 'diff' }
  | { ok: false; reason: RejectReason; message: string };

const reject = (reason: RejectReason, message: string): Candidate => ({ ok: false, reason, message });

function resolve(name: string | undefined, task: TaskFiles): { kind: 'source' | 'test'; path: string } | undefined {
  if (!name) return undefined;
  const clean = name.replace(/^[ab]\//, '').replace(/^\.\//, '');
  const base = clean.split('/').pop();
  const sameFile = (p: string) => p === clean || p.endsWith('/' + clean) || p.split('/').pop() === base;
  const test = task.tests.find(sameFile);
  if (test && (test === clean || !Object.keys(task.sources).some((s) => s === clean))) return { kind: 'test', path: test };
  const source = Object.keys(task.sources).find(sameFile);
  return source ? { kind: 'source', path: source } : undefined;
}

/** True when every non-blank line of the block appears in the test files: the model quoted the tests back. */
function repeatsTests(code: string, task: TaskFiles): boolean {
  const known = new Set(Object.values(task.testTexts ?? {}).flatMap((t) => t.split('\n').map((l) => l.trim())));
  return known.size > 0 && code.split('\n').every((l) => !l.trim() || known.has(l.trim()));
}

function orderedSources(task: TaskFiles): string[] {
  const all = Object.keys(task.sources).filter((p) => grammarFor(p));
  return task.primary && all.includes(task.primary) ? [task.primary, ...all.filter((p) => p !== task.primary)] : all;
}

async function applyBlock(block: CodeBlock, task: TaskFiles, current: Record<string, string>, changed: Set<string>): Promise<Candidate | undefined> {
  const named = resolve(block.file, task);
  if (named?.kind === 'test') return reject('testEdit', `The reply edits the test file ${named.path}; tests are never changed, fix the code under test.`);
  const files = named ? [named.path] : orderedSources(task);
  let best: { path: string; r: Awaited<ReturnType<typeof applyFunctionEdit>> } | undefined;
  for (const path of files) {
    const grammar = grammarFor(path);
    if (!grammar) continue;
    const r = await applyFunctionEdit(current[path], grammar, block.code);
    if (r.tests.length) {
      if (repeatsTests(block.code, task)) return undefined;
      return reject('testEdit', `The reply rewrites tests (${r.tests.slice(0, 3).join(', ')}); tests are never changed, fix the code under test.`);
    }
    const matched = r.replaced.length + r.unchanged.length;
    if (!best || matched > best.r.replaced.length + best.r.unchanged.length) best = { path, r };
  }
  if (!best) return reject('unknownFunction', 'The reply holds code for no known source file.');
  const { path, r } = best;
  if (r.snippetParseError && !r.replaced.length && !r.unchanged.length) return reject('parseError', `The reply's code does not parse as ${grammarFor(path)}.`);
  if (r.unknown.length) {
    return reject('unknownFunction', `The reply defines ${r.unknown.map((n) => `'${n}'`).join(', ')}, which ${r.unknown.length > 1 ? 'do' : 'does'} not exist in ` +
      `${files.length > 1 ? 'the sources' : path}; change only the existing functions (${Object.keys(task.sources).join(', ')}).`);
  }
  if (r.resultParseError) return reject('parseError', `With the reply's code ${path} no longer parses.`);
  current[path] = r.text;
  for (const name of r.replaced) changed.add(`${path}: ${name}`);
  return undefined;
}

async function applyDiff(diff: string, task: TaskFiles, current: Record<string, string>, changed: Set<string>): Promise<Candidate | undefined> {
  let patches;
  try {
    patches = parsePatch(diff);
  } catch (err) {
    return reject('diffFailed', `The reply's diff cannot be read: ${err instanceof Error ? err.message : String(err)}.`);
  }
  for (const patch of patches) {
    if (!patch.hunks.length) continue;
    const names = [patch.newFileName, patch.oldFileName].filter((n): n is string => Boolean(n) && n !== '/dev/null');
    const named = names.map((n) => resolve(n, task)).find(Boolean);
    if (named?.kind === 'test') return reject('testEdit', `The reply's diff edits the test file ${named.path}; tests are never changed.`);
    const path = named?.path ?? orderedSources(task)[0];
    if (!path) return reject('diffFailed', 'The diff names no source file.');
    const patched = applyPatch(current[path], patch, { fuzzFactor: 2 });
    if (patched === false) return reject('diffFailed', `The reply's diff does not apply to ${path}; give the whole corrected function instead.`);
    // The patched file goes through the function-level path too, so only whole functions change.
    const failed = await applyBlock({ lang: '', file: path, code: patched }, task, current, changed);
    if (failed) return failed;
  }
  return undefined;
}

export async function candidateFromReply(reply: ParsedReply, task: TaskFiles): Promise<Candidate> {
  if (!reply.blocks.length && !reply.diffs.length) {
    return reject('prose', 'The reply has an explanation but no code: give the corrected function(s) in a fenced code block.');
  }
  const current = { ...task.sources };
  const changed = new Set<string>();
  for (const diff of reply.diffs) {
    const failed = await applyDiff(diff, task, current, changed);
    if (failed) return failed;
  }
  for (const block of reply.blocks) {
    const failed = await applyBlock(block, task, current, changed);
    if (failed) return failed;
  }
  const files = Object.fromEntries(Object.entries(current).filter(([p, text]) => text !== task.sources[p]));
  if (!Object.keys(files).length) return reject('noChange', 'The reply\'s code is the same as the current code: it changes nothing.');
  return { ok: true, files, changed: [...changed], shape: reply.diffs.length ? 'diff' : 'code' };
}
