// Repairs a source file that does not parse: the one-token candidates of syntax-fix.ts that make it parse are
// verified with the tests like any other candidate (the baseline then has collection errors, so a candidate
// passes when every test it reports passes), on the warm workers, several in flight.
import type { Parser } from 'web-tree-sitter';
import type { RepairFix } from '../../../common/repair';
import { Verifier, type VerifyTask } from '../verify/verifier';
import { applyEdits, editSize, type SourceFile } from './edits';
import { unifiedDiff } from './choose';
import { syntaxCandidates } from './syntax-fix';

export interface SyntaxRepair {
  fixes: RepairFix[];
  /** Candidates verified (all of them parse). */
  tried: number;
  /** Seconds spent verifying. */
  seconds: number;
  /** Tests that could not run on the original (its collection errors and failing tests). */
  failingTests: string[];
}

export interface SyntaxRepairOptions {
  task: VerifyTask;
  src: SourceFile;
  parser: Parser;
  deadline: number;
  workers?: number;
  signal?: AbortSignal;
}

export async function repairSyntax(o: SyntaxRepairOptions): Promise<SyntaxRepair> {
  const candidates = syntaxCandidates(o.src, o.parser);
  const none: SyntaxRepair = { fixes: [], tried: 0, seconds: 0, failingTests: [] };
  if (!candidates.length || o.signal?.aborted || Date.now() >= o.deadline) return none;
  const verifier = await Verifier.open(o.task, { workers: o.workers });
  const started = Date.now();
  try {
    const failingTests = [...verifier.baseline.collectErrors.map((e) => e.id), ...verifier.baseline.failing];
    // The likeliest candidate that passes wins, even when a later one in flight passed first.
    const fixes: { i: number; fix: RepairFix }[] = [];
    let next = 0;
    let tried = 0;
    const stopped = () => fixes.length > 0 || o.signal?.aborted || Date.now() >= o.deadline;
    const lane = async (): Promise<void> => {
      while (next < candidates.length && !stopped()) {
        const i = next++;
        const e = candidates[i];
        const newText = applyEdits(o.src.text, [e]);
        tried++;
        const verdict = await verifier.verify({ [o.src.file]: newText }).catch(() => undefined);
        if (verdict?.status !== 'passed') continue;
        const passed = verdict.tests.filter((t) => t.status === 'passed').map((t) => t.id);
        fixes.push({ i, fix: {
          diff: unifiedDiff(o.src.file, o.src.text, newText),
          files: [{ path: o.src.file, newText }],
          edits: [{ file: e.file, line: e.line, kind: e.kind, before: o.src.text.slice(e.start, e.end), after: e.text }],
          testsFixed: verdict.testsFixed.length ? verdict.testsFixed : passed,
          size: editSize([e]),
        } });
      }
    };
    await Promise.all(Array.from({ length: verifier.size }, lane));
    return { fixes: fixes.sort((a, b) => a.i - b.i).slice(0, 1).map((f) => f.fix), tried, seconds: (Date.now() - started) / 1000, failingTests };
  } finally {
    await verifier.close();
  }
}
