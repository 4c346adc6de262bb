// Verifier session: a scratch copy of the task and a small pool of warm workers. open() runs the original
// code once (the baseline: which tests fail, how long tests take); verify(files) runs a candidate, failing
// tests first with fail-fast, then the whole suite, and accepts it only when every test passes. On a large
// suite with recorded coverage (useCoverage) the passing tests that cover the edit run before the rest, and
// only a candidate that passes them gets the whole suite.
import { cpus } from 'node:os';
import type { TestStatus } from '../../../common/results';
import { WorkerDied, WorkerProcess, type Privileges, type WorkerReady } from './worker';
import { startWorker } from './languages';
import { chmodSync } from 'node:fs';
import { makeScratchCopy, type Scratch } from '../run/scratch';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SELECT_ABOVE, TestSelection, type TestCoverage } from './selection';

export interface VerifyTask {
  /** Folder of the project (never written: the verifier works in its own scratch copy). */
  root: string;
  language: 'python' | 'javascript';
  /** Editable source files, relative to root. */
  sources: string[];
  /** Test files (and test data), relative to root; never edited. */
  tests: string[];
}

export interface TestOutcome {
  id: string;
  status: TestStatus;
  ms?: number;
  /** The failure's message (truncated), for telling apart two ways of failing. */
  message?: string;
}

export interface Verdict {
  /** passed: every test passed. invalid: the candidate does not compile. */
  status: 'passed' | 'failed' | 'invalid' | 'timedOut' | 'crashed';
  tests: TestOutcome[];
  /** Tests that failed on the original code and pass with the candidate. */
  testsFixed: string[];
  ms: number;
  message?: string;
  /** Test runs the candidate took (both runs when it went through selection). */
  testsRun?: number;
  /** Set when the candidate ran first on the failing tests and the passing tests covering its edit: how
   * many passing tests that selected, and whether it passed them (only then did the whole suite run, and
   * `status` and `tests` are the whole suite's). */
  selected?: { tests: number; passed: boolean };
}

export interface ProbeSnapshot {
  env: Record<string, unknown>;
  value: boolean;
}

export interface ProbeRun extends TestOutcome {
  snaps: ProbeSnapshot[];
}

export interface Baseline {
  tests: string[];
  failing: string[];
  passing: string[];
  outcomes: TestOutcome[];
  collectErrors: { id: string; message: string }[];
  sandbox: 'bubblewrap' | 'rlimits';
  /** Python: the tests the worker calls directly, without pytest's per-test protocol (none for Node). */
  direct: string[];
  /** What limits the verification and why, e.g. candidates not run as an unprivileged user. */
  notes: string[];
}

export interface BehaviourComparison {
  /** Inputs compared: those on which the original returns. */
  compared: number;
  /** Per candidate, in the order given: inputs on which it gives the original's result. */
  kept: number[];
}

export interface VerifierOptions {
  workers?: number;
  /** Per-test timeout for the baseline run of the original code. */
  baselineTestTimeoutMs?: number;
}

export class Verifier {
  private readonly idle: WorkerProcess[] = [];
  private readonly waiters: ((w: WorkerProcess) => void)[] = [];
  private closed = false;
  baseline!: Baseline;
  private testTimeoutMs = 1000;
  private testTimeouts: Record<string, number> = {};
  private candidateTimeoutMs = 5000;
  /** Set when the baseline showed that running candidates as nobody changes outcomes: every request says so. */
  private keepRoot = false;
  /** Jest and Vitest workers run whole test files and take no test filter: no selection for them. */
  private filters = true;
  private selection?: TestSelection;
  private readonly counts = { candidates: 0, testsRun: 0 };

  private constructor(readonly task: VerifyTask, readonly scratch: Scratch, private readonly poolSize: number) {}

  static async open(task: VerifyTask, opts: VerifierOptions = {}): Promise<Verifier> {
    const scratch = await makeScratchCopy(task.root);
    // Candidates run as an unprivileged user when we are root: let it traverse into the copy.
    chmodSync(scratch.dir, 0o711);
    const size = Math.max(1, Math.min(opts.workers ?? cpus().length, 4));
    const v = new Verifier(task, scratch, size);
    try {
      const first = await startWorker(task.language, scratch);
      v.all.push(first);
      // Python: the other workers start alongside the first one's baseline run (a cold start is the slowest
      // part, and the baseline's per-test limit is CPU time). Node's limit is wall time: they start after it.
      const early = task.language === 'python';
      if (early) for (let i = 1; i < size; i++) v.spawnInBackground();
      const ready = await first.ready(30000);
      v.filters = ready.runOverheadMs === undefined;
      v.idle.push(first);
      await v.runBaseline(ready, first.sandbox, opts.baselineTestTimeoutMs ?? 1000);
      if (!early) for (let i = 1; i < size; i++) v.spawnInBackground();
      return v;
    } catch (e) {
      await v.close();
      throw e;
    }
  }

  /**
   * Per-test coverage of the original code (localization's run): from now on candidates on a suite of more
   * than SELECT_ABOVE tests run the failing tests, then the passing tests covering the edit, and the whole
   * suite only when they pass all of those.
   */
  useCoverage(coverage: TestCoverage): void {
    if (!this.filters || this.closed || this.selection || this.baseline.collectErrors.length || this.baseline.tests.length <= SELECT_ABOVE) return;
    this.selection = new TestSelection(coverage, this.baseline.passing, (f) => readFileSync(join(this.scratch.workspace, f), 'utf8'));
  }

  /** Tests run per candidate verified so far, on average (0 before any). */
  get testsPerCandidate(): number {
    return this.counts.candidates ? Math.round(this.counts.testsRun / this.counts.candidates * 10) / 10 : 0;
  }

  /** Runs a candidate: files maps a source path (relative to root) to its full new text. `lead`: failing
   * tests to run before the other failing ones. Passed means the whole suite passed. */
  async verify(files: Record<string, string>, opts: { failFast?: boolean; lead?: string[] } = {}): Promise<Verdict> {
    for (const f of Object.keys(files)) {
      if (!this.task.sources.includes(f)) throw new Error(`refusing to edit ${f}: not a source file of the task`);
    }
    const failFast = opts.failFast ?? true;
    const first = [...new Set([...opts.lead ?? [], ...this.baseline.failing])];
    // Without fail-fast the caller wants every test's outcome: no selection then.
    const selected = failFast && this.selection ? await this.selection.select(files) : undefined;
    this.counts.candidates++;
    if (!selected) return this.run(files, [...first, ...this.baseline.passing], failFast);
    const order = [...first, ...selected];
    const onSelected = await this.run(files, order, true, order);
    const passed = onSelected.status === 'passed';
    if (!passed) return { ...onSelected, selected: { tests: selected.length, passed } };
    // The whole suite once, in the same order first, before anyone is told the candidate passed.
    const whole = await this.run(files, [...order, ...this.baseline.passing], true);
    return { ...whole, ms: onSelected.ms + whole.ms, testsRun: onSelected.tests.length + whole.tests.length, selected: { tests: selected.length, passed } };
  }

  /** One request: the tests of `order` (only those, when `only`), and whether every one expected passed. */
  private async run(files: Record<string, string>, order: string[], failFast: boolean, only?: string[]): Promise<Verdict> {
    const req = {
      files, order: [...new Set(order)], failFast, ...(only ? { tests: [...new Set(only)] } : {}),
      testTimeoutMs: this.testTimeoutMs, testTimeouts: this.testTimeouts, timeoutMs: this.candidateTimeoutMs,
    };
    const reply = await this.send(req, this.candidateTimeoutMs + 3000);
    const tests = (reply.tests as TestOutcome[] | undefined) ?? [];
    const ms = Number(reply.ms ?? 0);
    this.counts.testsRun += tests.length;
    const testsRun = tests.length;
    if (reply.status === 'invalid') return { status: 'invalid', tests, testsFixed: [], ms, message: String(reply.message ?? ''), testsRun };
    const passed = new Set(tests.filter((t) => t.status === 'passed' || t.status === 'skipped').map((t) => t.id));
    const everyReportedPassed = tests.length > 0 && tests.every((t) => passed.has(t.id));
    // After a collection error the test ids of the original are not those of a fixed candidate.
    const all = everyReportedPassed && (this.baseline.collectErrors.length > 0 || (only ?? this.baseline.tests).every((t) => passed.has(t)));
    const testsFixed = this.baseline.failing.filter((t) => passed.has(t));
    if (all && reply.status === 'ok') return { status: 'passed', tests, testsFixed, ms, testsRun };
    const status = reply.status === 'timedOut' || tests.some((t) => t.status === 'timedOut') ? 'timedOut' : reply.status === 'crashed' ? 'crashed' : 'failed';
    return { status, tests, testsFixed, ms, testsRun };
  }

  /**
   * Runs a probe candidate (a branch condition replaced by the worker's probe call) on some tests, without
   * fail-fast: the probe records the plain local values at each evaluation and returns the original value
   * ('record') or a forced one. Used by condition synthesis.
   */
  async probe(files: Record<string, string>, mode: 'record' | 'true' | 'false', tests: string[]): Promise<ProbeRun[]> {
    const reply = await this.send({
      files, probe: mode, tests, order: tests, failFast: false,
      testTimeoutMs: this.testTimeoutMs, testTimeouts: this.testTimeouts, timeoutMs: this.candidateTimeoutMs,
    }, this.candidateTimeoutMs + 3000);
    return ((reply.tests as ProbeRun[] | undefined) ?? []).map((t) => ({ ...t, snaps: t.snaps ?? [] }));
  }

  /**
   * How much (verified) candidates change behaviour beyond the tests, all on the same inputs: the arguments
   * the tests pass to the functions of the files the candidates change (recorded on the original code), inputs
   * derived from them and their neighbours, without the failing tests' own calls (the tests ask to change
   * those) and keeping only inputs on which the original returns (neither raises nor hangs). Per candidate, on how many of them it returns what the original returns (or raises the same
   * type). Undefined where the worker cannot tell (the tests did not collect, no recorded calls).
   */
  async compareBehaviour(candidates: Record<string, string>[], budgetMs = 2000): Promise<BehaviourComparison | undefined> {
    if (this.baseline.collectErrors.length || !candidates.length) return undefined;
    for (const c of candidates) for (const f of Object.keys(c)) {
      if (!this.task.sources.includes(f)) throw new Error(`refusing to edit ${f}: not a source file of the task`);
    }
    // Recording runs the whole suite once on the original; tests that hung there are cut at the usual limit
    // (their first call is recorded as it starts).
    const timeoutMs = this.candidateTimeoutMs + budgetMs + 2000;
    const reply = await this.send({ files: {}, behaviour: { candidates, budgetMs, asked: this.baseline.failing }, testTimeoutMs: this.testTimeoutMs, timeoutMs }, timeoutMs + 3000);
    const b = reply.behaviour as { compared: number; same: number[] } | undefined;
    if (!b || b.compared <= 0 || b.same.length !== candidates.length) return undefined;
    return { compared: b.compared, kept: b.same };
  }

  /**
   * Runs localization's observed test run (the tracer plugin's source and config, see localize/python-tracer)
   * in a warm worker's child instead of a cold pytest start. The plugin writes its records to config.out,
   * which must lie in this verifier's scratch copy. Returns false when the warm run is not possible (not
   * Python, or the tests did not collect) or did not finish (the worker crashed or timed out), so the
   * caller runs them cold.
   */
  async observe(plugin: string, config: { out: string; testTimeoutS: number; timeouts?: Record<string, number> }, tests: string[] | undefined, timeoutMs: number): Promise<boolean> {
    if (this.task.language !== 'python' || this.baseline.collectErrors.length) return false;
    // Tests that hung on the original hang again: what they run shows within a fraction of their limit.
    const hung = Object.fromEntries(Object.keys(this.testTimeouts).map((id) => [id, Math.min(config.testTimeoutS, 0.15)]));
    const reply = await this.send({ observe: { plugin, config: { ...config, timeouts: { ...hung, ...config.timeouts } } }, tests, timeoutMs }, timeoutMs + 3000);
    return reply.status === 'ok';
  }

  /** Indices of the expressions whose truth value matches `value` on every row's variables. */
  async evaluate(exprs: string[], rows: ProbeSnapshot[]): Promise<number[]> {
    const reply = await this.send({ exprs, rows }, 10000);
    return (reply.hits as number[] | undefined) ?? [];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.selection?.dispose();
    const all = [...this.idle];
    this.idle.length = 0;
    for (const w of this.all) if (!all.includes(w)) all.push(w);
    for (const w of all) w.kill();
    // Workers still being started are killed as soon as they exist (see spawnInBackground).
    await Promise.all([...all.map((w) => w.exited()), ...this.starting]);
    await this.scratch.dispose();
  }

  private readonly all: WorkerProcess[] = [];
  private readonly starting = new Set<Promise<void>>();

  private async runBaseline(ready: WorkerReady, sandbox: Baseline['sandbox'], testTimeoutMs: number): Promise<void> {
    // recheck: tests that fail as nobody are run again as root (see the Python worker's handle_checked).
    const reply = await this.send({ files: {}, failFast: false, testTimeoutMs, timeoutMs: testTimeoutMs * (ready.tests.length + 1) + 5000, shrinkAfterTimeout: true, recheck: true }, 2 * testTimeoutMs * (ready.tests.length + 1) + 10000);
    const privileges = (reply.privileges ?? ready.privileges) as Privileges | undefined;
    this.keepRoot = privileges?.dropped === false;
    const notes = privileges?.note ? [privileges.note] : [];
    const outcomes = (reply.tests as TestOutcome[] | undefined) ?? [];
    const collectErrors = ready.collectErrors;
    const tests = ready.tests.length ? ready.tests : outcomes.map((t) => t.id);
    const passing = outcomes.filter((t) => t.status === 'passed').map((t) => t.id);
    const skipped = new Set(outcomes.filter((t) => t.status === 'skipped').map((t) => t.id));
    const failing = tests.filter((t) => !passing.includes(t) && !skipped.has(t));
    const hung = new Set(outcomes.filter((t) => t.status === 'timedOut').map((t) => t.id));
    // Fail fast on tests that fail quickly; tests that hung on the original come after them.
    failing.sort((a, b) => Number(hung.has(a)) - Number(hung.has(b)));
    this.baseline = { tests, failing, passing, outcomes, collectErrors, sandbox, direct: ready.direct ?? [], notes };
    // Any test that finished (passed or failed) tells how long a fixed version may take.
    const doneMs = outcomes.filter((t) => t.status !== 'timedOut').map((t) => t.ms ?? 0);
    const slowest = Math.max(0, ...doneMs);
    const total = doneMs.reduce((a, b) => a + b, 0);
    // A fixed test rarely takes much longer than the slowest finished one; hanging candidates are common.
    // Python's per-test limit is CPU time (immune to load); node's is wall time, so it gets more slack.
    const floor = this.task.language === 'python' ? 60 : 120;
    this.testTimeoutMs = Math.round(Math.min(Math.max(20 * slowest + 30, floor), testTimeoutMs));
    // Tests that hung on the original: unknown speed when fixed, so more room (but not the full baseline limit).
    const hungMs = Math.round(Math.min(testTimeoutMs, Math.max(4 * this.testTimeoutMs, 250)));
    this.testTimeouts = Object.fromEntries([...hung].map((id) => [id, hungMs]));
    // A runner-based worker (Jest, Vitest) also pays its start-up per run, twice over as the load varies.
    this.candidateTimeoutMs = Math.round(5 * total + 3 * this.testTimeoutMs + hung.size * hungMs + 1500 + 2 * (ready.runOverheadMs ?? 0));
  }

  private spawnInBackground(): void {
    if (this.closed) return;
    const start: Promise<void> = startWorker(this.task.language, this.scratch).then((w) => {
      // Closed while it was starting: its scratch folder is going away.
      if (this.closed) { w.kill(); return w.exited(); }
      this.all.push(w);
      w.ready(30000).then(() => this.release(w), () => undefined);
    }, () => undefined).finally(() => this.starting.delete(start));
    this.starting.add(start);
  }

  private acquire(): Promise<WorkerProcess> {
    if (this.closed) return Promise.reject(new WorkerDied('verifier is closed'));
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(w: WorkerProcess): void {
    if (this.closed) { w.kill(); return; }
    if (!w.alive) {
      this.all.splice(this.all.indexOf(w), 1);
      this.spawnInBackground();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(w); else this.idle.push(w);
  }

  /**
   * Sends a request to an idle worker. A worker that dies before the request's deadline may have been left
   * broken by the candidate before (a runner that did not recover from a spin ends itself after replying),
   * so the request is tried once more on a fresh worker before it counts as crashed.
   */
  private async send(body: Record<string, unknown>, hardMs: number, retry = true): Promise<Record<string, unknown>> {
    const w = await this.acquire();
    const started = Date.now();
    try {
      return await w.request(this.keepRoot ? { ...body, drop: false } : body, hardMs);
    } catch (e) {
      if (!(e instanceof WorkerDied) || this.closed) throw e;
      if (!retry || Date.now() - started >= hardMs * 0.9) return { status: 'crashed', tests: [], ms: hardMs };
    } finally {
      this.release(w);
    }
    return this.send(body, hardMs, false);
  }

  /** Workers currently in the pool (for progress reports). */
  get size(): number { return this.poolSize; }
}
