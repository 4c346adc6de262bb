// Localization's observed run of a Jest or Vitest project: the project's own runner, run as `loopwise run`
// runs it (run/jest.ts, run/vitest.ts), with a wrapper configuration that extends the project's own by the
// per-test coverage setup file (jsRunnerCoverage.ts). Outcomes and failure frames come from the runner's
// report, executed lines from the setup file's records, joined by test file and titles.
import { existsSync, readFileSync, promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProjectInfo } from '../run/detect';
import type { DriverContext } from '../run/driver';
import { runJest } from '../run/jest';
import type { Scratch } from '../run/sandbox';
import { runVitest } from '../run/vitest';
import { LocalizeCancelled } from './exec';
import { coverageKey, type CoverageRecord, type CoverageRunner, coverageSetupSource } from './jsRunnerCoverage';
import type { RunRecords, TestRecord } from './records';

export interface RunnerObserveOptions {
  scratch: Scratch;
  project: ProjectInfo & { framework: CoverageRunner; runner: string; node: NonNullable<ProjectInfo['node']> };
  sources: string[];
  testIds?: string[];
  testTimeoutMs: number;
  budgetMs: number;
  signal?: AbortSignal;
  tag: string;
}

export function isRunnerProject(p: ProjectInfo): p is RunnerObserveOptions['project'] {
  return (p.framework === 'jest' || p.framework === 'vitest') && !!p.runner && !!p.node;
}

const viteConfigs = ['vitest.config', 'vite.config'].flatMap((b) => ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((e) => `${b}.${e}`));

/** A Vitest config that is the project's own (if any) merged with the setup file (Vite concatenates arrays). */
function vitestWrapper(workspace: string, setup: string): string {
  const own = viteConfigs.find((f) => existsSync(join(workspace, f)));
  const extra = JSON.stringify({ root: workspace, test: { setupFiles: [setup] } });
  if (!own) return `export default ${extra};\n`;
  return `import { mergeConfig } from 'vitest/config';\nimport base from '../${own}';\n`
    + `export default async (env) => mergeConfig(await (typeof base === 'function' ? base(env) : base), ${extra});\n`;
}

/** A Jest config: the project's own, read by its Jest (jest-config), with the setup file added after its own. */
function jestWrapper(workspace: string, jestBin: string, setup: string): string {
  return `'use strict';
const path = require('path');
module.exports = async () => {
  const { readInitialOptions } = require(require.resolve('jest-config', { paths: [${JSON.stringify(dirname(jestBin))}] }));
  const { config } = await readInitialOptions(undefined, { cwd: ${JSON.stringify(workspace)} });
  const rootDir = path.resolve(${JSON.stringify(workspace)}, config.rootDir || '.');
  return { ...config, rootDir, setupFilesAfterEnv: [...(config.setupFilesAfterEnv || []), ${JSON.stringify(setup)}] };
};
`;
}

export async function observeWithRunner(o: RunnerObserveOptions): Promise<RunRecords & { output: string }> {
  if (o.signal?.aborted) throw new LocalizeCancelled();
  const { workspace, toolDir } = o.scratch;
  const runner = o.project.framework;
  // Vite loads no setup file from outside the project; Jest's wrapper lives beside it for the same paths.
  const dir = join(workspace, '.loopwise');
  await fs.mkdir(dir, { recursive: true });
  const setup = join(dir, runner === 'vitest' ? 'coverage-setup.mjs' : 'coverage-setup.cjs');
  await fs.writeFile(setup, coverageSetupSource(runner));
  const out = join(toolDir, `${o.tag}.jsonl`);
  await fs.rm(out, { force: true });
  const configFile = join(toolDir, `${o.tag}-coverage.json`);
  await fs.writeFile(configFile, JSON.stringify({ root: workspace, sources: o.sources, out }));
  const wrapper = join(dir, runner === 'vitest' ? 'vitest.config.mjs' : 'jest.config.cjs');
  await fs.writeFile(wrapper, runner === 'vitest' ? vitestWrapper(workspace, setup) : jestWrapper(workspace, o.project.runner, setup));

  const files = o.testIds && [...new Set(o.testIds.map((id) => id.split('::')[0]))];
  const ctx: DriverContext = {
    scratch: o.scratch, files, testTimeoutS: Math.max(1, Math.round(o.testTimeoutMs / 1000)),
    deadline: Date.now() + o.budgetMs, signal: o.signal, progress: () => undefined,
  };
  const node = { ...o.project.node, env: { ...o.project.node.env, LOOPWISE_COVERAGE: configFile } };
  const run = runner === 'vitest' ? await runVitest(ctx, node, o.project.runner, wrapper) : await runJest(ctx, node, o.project.runner, wrapper);
  if (o.signal?.aborted) throw new LocalizeCancelled();

  const covered = new Map<string, [string, number][]>();
  const loadLines: [string, number][] = [];
  for (const r of readCoverage(out)) {
    if (r.kind === 'load') loadLines.push(...r.lines);
    else covered.set(coverageKey(r.file, r.titles ?? r.name ?? ''), r.lines);
  }
  const wanted = o.testIds && new Set(o.testIds);
  const tests: TestRecord[] = run.tests.filter((t) => !wanted || wanted.has(t.id)).map((t) => ({
    id: t.id, status: t.status, message: t.message, frames: t.traceback ?? [],
    lines: covered.get(coverageKey(t.file, t.name.split(' > '))) ?? [],
  }));
  const output = run.problems.map((p) => p.message).join('\n');
  return { tests, loadLines, values: [], omitted: new Map(), output };
}

function readCoverage(file: string): CoverageRecord[] {
  if (!existsSync(file)) return [];
  const records: CoverageRecord[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    try {
      records.push(JSON.parse(text) as CoverageRecord);
    } catch {
      // a line cut short when the runner was stopped
    }
  }
  return records;
}
