// Test impact for runs on save, as pytest-testmon and Wallaby do it: after a run, per-test coverage is
// recorded (pytest through the localization tracer, node:test through its V8 harness); a save then runs
// only the test files whose tests ran the lines it changed, plus test files never recorded. Mocha, Jest
// and Vitest have no per-test coverage here: their saves run the related tests as before.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Framework } from '../../../common/results';
import { interpreterFor, type ColdRun } from '../localize/exec';
import { observe, type LocalizeLanguage } from '../localize/observe';
import { loadTask } from '../repair/task';
import { testDiscovery } from '../run/discovery';
import { makeScratchCopy, type Scratch } from '../run/sandbox';
import { lineChanges, type LineChanges } from '../parse/lineDiff';

/** One recording pass: the sources' text it ran against and the lines run while the test files loaded. */
interface Snapshot {
  texts: Map<string, string>;
  load: Set<string>;
}

interface FileRecord {
  snapshot: Snapshot;
  /** "source\0line" run by any test of the file. */
  lines: Set<string>;
}

interface FolderRecord {
  language: LocalizeLanguage;
  files: Map<string, FileRecord>;
}

/** What a save runs: these test files (possibly none), or the related tests as without impact data. */
export type ImpactPlan =
  | { kind: 'files'; files: string[]; impacted: string[]; unrecorded: string[] }
  | { kind: 'related'; reason: string };

export interface RecordOptions {
  root: string;
  framework: Framework | undefined;
  /** Test files to record (workspace-relative); all of the project's when undefined. */
  testFiles?: string[];
  testTimeoutMs: number;
  budgetMs: number;
  signal: AbortSignal;
}

const languageOf: Partial<Record<Framework, LocalizeLanguage>> = { pytest: 'python', 'node-test': 'javascript' };

const key = (file: string, line: number) => `${file}\0${line}`;

export class TestImpact {
  private readonly folders = new Map<string, FolderRecord>();

  /** Whether runs of this framework can be recorded. */
  static supports(framework: Framework | undefined): boolean {
    return framework !== undefined && languageOf[framework] !== undefined;
  }

  hasRecord(root: string): boolean {
    return this.folders.has(root);
  }

  /** Runs the tests once more with per-test coverage, sandboxed in a scratch copy; returns the tests recorded. */
  async record(o: RecordOptions): Promise<number> {
    const language = o.framework && languageOf[o.framework];
    if (!language) return 0;
    const task = loadTask(o.root);
    if (task.language !== language) return 0;
    const texts = new Map(task.sources.map((f) => [f, readFileSync(join(o.root, f), 'utf8')]));
    let scratch: Scratch | undefined;
    const cold = async (): Promise<ColdRun> => {
      const interpreter = await interpreterFor(language, o.root);
      scratch = await makeScratchCopy(o.root);
      return { scratch, interpreter };
    };
    const tests = o.testFiles ?? task.tests;
    let run;
    try {
      run = await observe({
        language, cold, sources: task.sources, tests, coverage: true,
        testTimeoutMs: o.testTimeoutMs, budgetMs: o.budgetMs, signal: o.signal, tag: 'impact',
      });
    } finally {
      await scratch?.dispose().catch(() => undefined);
    }
    if (o.signal.aborted) return 0;
    const snapshot: Snapshot = { texts, load: new Set(run.loadLines.map(([f, l]) => key(f, l))) };
    const byFile = new Map<string, FileRecord>();
    for (const t of run.tests) {
      const at = t.id.indexOf('::');
      if (at <= 0) continue; // a load failure belongs to no test file
      const file = t.id.slice(0, at);
      const rec = byFile.get(file) ?? { snapshot, lines: new Set<string>() };
      for (const [f, l] of t.lines) rec.lines.add(key(f, l));
      byFile.set(file, rec);
    }
    const previous = this.folders.get(o.root);
    const files = o.testFiles && previous?.language === language ? previous.files : new Map<string, FileRecord>();
    // A recorded file that yielded no test this time (it failed to load) runs again on the next save.
    for (const f of o.testFiles ?? []) files.delete(f);
    for (const [f, rec] of byFile) files.set(f, rec);
    this.folders.set(o.root, { language, files });
    return byFile.size ? run.tests.length : 0;
  }

  /** The test files a save of `file` (workspace-relative, now holding `text`) has to run. */
  plan(root: string, file: string, text: string): ImpactPlan {
    const rec = this.folders.get(root);
    if (!rec) return { kind: 'related', reason: 'no coverage recorded yet' };
    const found = testDiscovery(root);
    const isTest = rec.language === 'python' ? found.isPythonTest : found.isJsTest;
    if (isTest(file)) return { kind: 'related', reason: 'a test file was saved' };
    const changes = new Map<Snapshot, LineChanges>();
    const impacted = new Set<string>();
    for (const [testFile, r] of rec.files) {
      const before = r.snapshot.texts.get(file);
      if (before === undefined) return { kind: 'related', reason: `${file} was not a source file when coverage was recorded` };
      let ch = changes.get(r.snapshot);
      if (!ch) changes.set(r.snapshot, ch = lineChanges(before, text));
      const ran = (l: number) => r.lines.has(key(file, l));
      const loaded = (l: number) => r.snapshot.load.has(key(file, l));
      // Code run while the test files load (module level, definitions) concerns every test importing it.
      if (ch.removed.some(ran) || ch.insertedBetween.some((pair) => pair.some(ran))) impacted.add(testFile);
      else if (ch.removed.some(loaded) || ch.insertedBetween.some((pair) => pair.some(loaded))) {
        return { kind: 'related', reason: `a line of ${file} run at import changed` };
      }
    }
    let current: string[];
    try {
      current = loadTask(root).tests.filter(isTest);
    } catch {
      current = [];
    }
    const unrecorded = current.filter((f) => !rec.files.has(f));
    return { kind: 'files', files: [...impacted, ...unrecorded].sort(), impacted: [...impacted].sort(), unrecorded };
  }
}
