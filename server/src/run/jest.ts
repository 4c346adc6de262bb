// Runs a Jest project's tests with its own Jest (node_modules) in the sandbox: Jest's JSON report
// (--json --outputFile) for the results, the shipped reporter for progress and hangs. Jest transforms
// the files the way the project configures it (babel-jest, ts-jest), so TypeScript needs no loader here.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DriverContext, DriverOutput } from './driver';
import { excludingNames, type JsAssertion, type JsFileReport, runJsRunner, showValue, stripAnsi } from './jsRunner';
import { jestReporterSource } from './jsRunnerTools';
import type { NodeInfo } from './toolchain';

/** `configFile` replaces the project's configuration (localization's wrapper around it, adding coverage). */
export async function runJest(ctx: DriverContext, node: NodeInfo, jestBin: string, configFile?: string): Promise<DriverOutput> {
  const reporter = join(ctx.scratch.toolDir, 'loopwise-jest-reporter.cjs');
  await fs.writeFile(reporter, jestReporterSource);
  return runJsRunner(ctx, node, {
    name: 'jest',
    args: (report, skipTests, skipFiles) => [
      jestBin, ...(configFile ? [`--config=${configFile}`] : []),
      // --reporters takes a list: it must not be followed by the file arguments.
      `--reporters=${reporter}`, '--json', `--outputFile=${report}`, '--testLocationInResults', '--ci', '--no-watchman',
      `--testTimeout=${ctx.testTimeoutS * 1000}`, '--forceExit', `--cacheDirectory=${join(ctx.scratch.tmpDir, 'jest')}`,
      ...(skipTests.length ? [`--testNamePattern=${excludingNames(skipTests)}`] : []),
      ...skipFiles.map((f) => `--testPathIgnorePatterns=${escapeRegExp(f)}$`),
      ...(ctx.files?.length ? ['--runTestsByPath', ...ctx.files] : []),
    ],
    details,
    fileError: (f: JsFileReport) => f.message ?? '',
  });
}

interface FailureDetail {
  matcherResult?: { expected?: unknown; actual?: unknown; pass?: boolean };
  code?: string;
  expected?: unknown;
  actual?: unknown;
  operator?: string;
}

function details(a: JsAssertion) {
  const text = stripAnsi(a.failureMessages?.[0] ?? '');
  const at = text.search(/\n\s+at /);
  const message = (at >= 0 ? text.slice(0, at) : text).replace(/^Error: /, '').replace(/^thrown: "([\s\S]*)"$/, '$1').trim();
  const d = (a.failureDetails?.[0] ?? {}) as FailureDetail;
  const values = d.matcherResult && 'expected' in d.matcherResult && 'actual' in d.matcherResult ? d.matcherResult
    // node:assert inside a Jest test: its AssertionError's own fields (assert.ok has no values worth showing)
    : d.code === 'ERR_ASSERTION' && 'expected' in d && !(d.operator === '==' && d.expected === true) ? d : undefined;
  return {
    message,
    stack: text,
    ...(values ? { expected: showValue(values.expected), actual: showValue(values.actual) } : {}),
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
