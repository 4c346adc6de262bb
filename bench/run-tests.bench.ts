// Time to run a small Python (pytest) and a small JavaScript (node:test) project's tests through the
// runner: cold (first run in a fresh process: interpreter probe, first sandbox) and warm (later runs in
// the same process; every run still makes a fresh scratch copy), against the bare framework command
// without sandbox or copy as the baseline. Medians of repeated runs. Then real-size projects (large-projects.ts,
// hundreds of tests): a warm run against the bare runner, a save touching one module (its related tests)
// against a full run, and the fix search's candidates per second on a planted bug.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repair } from '../server/src/repair/repair';
import { loadTask } from '../server/src/repair/task';
import { runTests } from '../server/src/run';
import { sandboxKind } from '../server/src/run/sandbox';
import { findPython } from '../server/src/run/toolchain';
import { writeNodeProject, writePythonProject, type LargeProject } from './large-projects';

/**
 * The bare baseline runs the interpreter Loopwise runs, not whatever `python3` on PATH is first: a pyenv shim
 * there is a shell script costing a few hundred ms per start, which would flatter the ratio.
 */
const PYTHON = 'python3';
async function bareInterpreter(root: string): Promise<string> {
  return (await findPython(root))?.executable ?? PYTHON;
}

const projects = {
  python: { root: resolve(__dirname, '../test/fixtures/run/py-fail'), bare: [PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:hypothesispytest']] },
  javascript: { root: resolve(__dirname, '../test/fixtures/run/js-small'), bare: [process.execPath, ['--test', 'text.test.js']] },
} as const;
type Lang = keyof typeof projects;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timedRun(lang: Lang): Promise<number> {
  const t = performance.now();
  const r = await runTests({ root: projects[lang].root });
  if (!r.summary.total) throw new Error(`${lang}: no results (${JSON.stringify(r.problems)})`);
  return performance.now() - t;
}

async function child(lang: Lang): Promise<void> {
  console.log(JSON.stringify({ ms: await timedRun(lang) }));
}

function cold(lang: Lang, n: number): number[] {
  return Array.from({ length: n }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', lang], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!).ms as number;
  });
}

async function bare(lang: Lang, n: number): Promise<number[]> {
  const [name, args] = projects[lang].bare;
  const cmd = name === PYTHON ? await bareInterpreter(projects[lang].root) : name;
  return Array.from({ length: n }, () => {
    const t = performance.now();
    spawnSync(cmd, args as readonly string[], { cwd: projects[lang].root, stdio: 'ignore' });
    return performance.now() - t;
  });
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--child');
  if (i >= 0) return child(process.argv[i + 1] as Lang);
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  console.log(`sandbox: ${sandboxKind()}, ${runs} runs each, medians in ms`);
  console.log('project      cold    warm    bare framework   warm/bare');
  for (const lang of Object.keys(projects) as Lang[]) {
    const c = median(cold(lang, Math.max(3, Math.ceil(runs / 2))));
    await timedRun(lang);
    const warm: number[] = [];
    for (let k = 0; k < runs; k++) warm.push(await timedRun(lang));
    const w = median(warm);
    const b = median(await bare(lang, runs));
    console.log(`${lang.padEnd(12)} ${c.toFixed(0).padStart(5)}   ${w.toFixed(0).padStart(5)}   ${b.toFixed(0).padStart(5)}            ${(w / b).toFixed(2)}x`);
  }
  await large(Math.min(runs, 3));
}

async function timed(f: () => Promise<unknown>, n: number): Promise<number> {
  const xs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function large(runs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-large-'));
  try {
    const cases: [string, LargeProject, string, string[]][] = [
      ['python', writePythonProject(join(dir, 'py')), await bareInterpreter(join(dir, 'py')), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:hypothesispytest']],
      ['javascript', writeNodeProject(join(dir, 'js')), process.execPath, ['--test']],
    ];
    console.log(`\nreal-size projects, ${runs} runs each, medians`);
    console.log('project     tests   run ms  bare ms  run/bare   save ms  save/full   fix: status  s     cand/s  bug rank');
    for (const [lang, p, cmd, args] of cases) {
      await runTests({ root: p.root });
      const full = await timed(() => runTests({ root: p.root }), runs);
      const bareMs = median(Array.from({ length: runs }, () => {
        const t = performance.now();
        spawnSync(cmd, args, { cwd: p.root, stdio: 'ignore' });
        return performance.now() - t;
      }));
      const save = await timed(() => runTests({ root: p.root, files: [p.bug.file] }), runs);
      const path = join(p.root, p.bug.file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(p.bug.from, p.bug.to));
      const r = await repair({ ...loadTask(p.root), budgetS: 60 });
      const line = readFileSync(path, 'utf8').split('\n').indexOf(p.bug.to) + 1;
      const rank = r.localization?.lines.find((l) => l.file === p.bug.file && l.line === line)?.rank;
      console.log(`${lang.padEnd(11)} ${String(p.tests).padStart(5)}  ${full.toFixed(0).padStart(7)}  ${bareMs.toFixed(0).padStart(7)}  ${(full / bareMs).toFixed(2).padStart(7)}x  ${save.toFixed(0).padStart(7)}  ${(save / full).toFixed(2).padStart(8)}x   ${r.status.padEnd(11)} ${r.seconds.toFixed(1).padStart(5)} ${String(r.candidatesPerSecond).padStart(8)}  ${rank ?? `unranked (${r.localization?.status ?? 'none'})`}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
