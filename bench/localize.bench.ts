// Fault localization on the benchmark suites: for every task, the rank of the real bug line (the first
// line fixed/ changes, see ground-truth.ts) in Loopwise's ranking and, from the same run, in the
// Ochiai-only ranking; prints top-1/3/5 per suite and overall, and seconds per task.
// Usage: node --import tsx bench/localize.bench.ts [suite-name ...] [--verbose]   (budget 60 s per task)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuspiciousLine } from '../common/localize';
import { bugLines, rankOfBug, type BugLocation } from '../server/src/localize/ground-truth';
import { localize } from '../server/src/localize/localize';

const suitesDir = join(__dirname, '..', '..', 'shared', 'benchmarks', 'suites');
const defaultSuites = ['humanevalfix-js-dev', 'quixbugs-python', 'intropynus-dev'];
// Generous, so that a busy machine slows the run down instead of cutting the mutation phase short.
const budgetMs = 60000;

interface TaskResult { suite: string; id: string; status: string; seconds: number; bug?: BugLocation; rank?: number; ochiaiRank?: number; lines?: SuspiciousLine[] }

function groundTruth(taskDir: string, sources: string[]): BugLocation | undefined {
  for (const file of sources) {
    const fixed = join(taskDir, 'fixed', file);
    if (!existsSync(fixed)) continue;
    const bug = bugLines(file, readFileSync(join(taskDir, 'workspace', file), 'utf8'), readFileSync(fixed, 'utf8'));
    if (bug) return bug;
  }
  return undefined;
}

/** The Ochiai-only order of the same lines: score, then file order and line (no other evidence). */
function ochiaiOrder(lines: SuspiciousLine[], sources: string[]): SuspiciousLine[] {
  const order = new Map(sources.map((f, i) => [f, i]));
  const sorted = [...lines].sort((a, b) => b.ochiai - a.ochiai || (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
  return sorted.map((l, i) => ({ ...l, rank: i + 1 }));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');

function summary(label: string, rs: TaskResult[]): string {
  const scored = rs.filter((r) => r.bug);
  const within = (k: number, key: 'rank' | 'ochiaiRank') => scored.filter((r) => r[key] !== undefined && (r[key] as number) <= k).length;
  const fmt = (key: 'rank' | 'ochiaiRank') => [1, 3, 5].map((k) => `top${k} ${within(k, key)} (${pct(within(k, key), scored.length)})`).join('  ');
  const secs = rs.map((r) => r.seconds);
  const p90 = [...secs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.9 * secs.length) - 1)] ?? NaN;
  return [
    `${label}: ${rs.length} tasks, ${scored.length} scored; seconds/task median ${median(secs).toFixed(2)} p90 ${p90.toFixed(2)}`,
    `  loopwise: ${fmt('rank')}`,
    `  ochiai:   ${fmt('ochiaiRank')}`,
  ].join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(suitesDir)) {
    console.error(`benchmark suites not found at ${suitesDir}: this benchmark needs ../shared/benchmarks/suites`);
    process.exit(1);
  }
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const suites = args.filter((a) => !a.startsWith('--'));
  const results: TaskResult[] = [];
  for (const suite of suites.length ? suites : defaultSuites) {
    const dir = join(suitesDir, suite);
    if (!existsSync(dir)) throw new Error(`suite ${suite} not found in ${suitesDir}`);
    const suiteResults: TaskResult[] = [];
    for (const id of readdirSync(dir).sort()) {
      const taskDir = join(dir, id);
      if (!existsSync(join(taskDir, 'task.json'))) continue;
      const task = JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8'));
      const started = Date.now();
      const loc = await localize({ root: join(taskDir, 'workspace'), language: task.language, sources: task.sources, tests: task.tests, budgetMs });
      const seconds = (Date.now() - started) / 1000;
      const bug = groundTruth(taskDir, task.sources);
      const r: TaskResult = { suite, id, status: loc.status, seconds, bug, lines: loc.lines.slice(0, 30) };
      if (bug) {
        r.rank = rankOfBug(loc.lines, bug);
        r.ochiaiRank = rankOfBug(ochiaiOrder(loc.lines, task.sources), bug);
      }
      if (verbose) console.log(`${suite}/${id}: ${loc.status} ${seconds.toFixed(2)}s bug ${bug ? `${bug.file}:${bug.lines.join('|')}` : '-'} rank ${r.rank ?? '-'} ochiai ${r.ochiaiRank ?? '-'}${loc.reason ? ` (${loc.reason.split('\n')[0].slice(0, 100)})` : ''}`);
      suiteResults.push(r);
    }
    results.push(...suiteResults);
    const statuses = new Map<string, number>();
    for (const r of suiteResults) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    console.log(summary(suite, suiteResults));
    console.log(`  statuses: ${[...statuses].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    writeResults(suite, suiteResults);
  }
  console.log(summary('overall', results));
}

/** Per-task ranks and top lines with their evidence, for looking into misses. */
function writeResults(suite: string, results: TaskResult[]): void {
  mkdirSync('.bench-output', { recursive: true });
  writeFileSync(join('.bench-output', `localize-${suite}.json`), JSON.stringify(results, null, 1));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
