// Time to run a small Python (pytest) and a small JavaScript (node:test) project's tests through the
// runner: cold (first run in a fresh process: interpreter probe, first sandbox) and warm (later runs in
// the same process; every run still makes a fresh scratch copy), against the bare framework command
// without sandbox or copy as the baseline. Medians of repeated runs.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runTests } from '../server/src/run';
import { sandboxKind } from '../server/src/run/sandbox';

const projects = {
  python: { root: resolve(__dirname, '../test/fixtures/run/py-fail'), bare: ['python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:hypothesispytest']] },
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

function bare(lang: Lang, n: number): number[] {
  const [cmd, args] = projects[lang].bare;
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
    const b = median(bare(lang, runs));
    console.log(`${lang.padEnd(12)} ${c.toFixed(0).padStart(5)}   ${w.toFixed(0).padStart(5)}   ${b.toFixed(0).padStart(5)}            ${(w / b).toFixed(2)}x`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
