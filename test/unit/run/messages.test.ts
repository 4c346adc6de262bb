// `run`, `fix` and `hint` as a user calls them: on a folder whose tests cannot run (a runner Loopwise does
// not support, a language it does not run, no tests) the three say the same thing and exit 2; `fix --json`
// and `hint --json` still write one JSON object to stdout; `fix` reports progress on stderr, in --json mode
// too; the printed ranking numbers lines by the score it shows, and says when nothing could be ranked.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RepairResult } from '../../../common/repair';
import { describeLocalization, printHuman } from '../../../server/src/cli/fix';

const repo = resolve(__dirname, '../../..');

function loopwise(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], { cwd: repo, encoding: 'utf8', timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: the same message from run, fix and hint, and fix\'s progress', function () {
  this.timeout(240000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-msg-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a', devDependencies: { ava: '^6' }, scripts: { test: 'ava' } }));
    writeFileSync(join(dir, 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(dir, 'index.test.js'), "const test = require('ava');\ntest('x', (t) => t.pass());\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, () => string, RegExp][] = [
    ['an unsupported runner', () => dir, /^This project's tests use ava, which Loopwise cannot run yet\./],
    ['an unsupported language', () => join(repo, 'test/fixtures/run/unsupported'), /^Loopwise runs Python .* this folder has no such files \(found 1 \.rb\)\.$/],
    ['a Python folder without tests', () => join(repo, 'test/fixtures/run/py-no-tests'), /^no tests found: Python test files are named test_\*\.py/],
  ];
  for (const [what, folder, expected] of cases) {
    it(`${what}: one message, exit 2, and a JSON object with --json`, () => {
      const run = loopwise('run', folder());
      const message = (what === 'a Python folder without tests' ? run.stdout.split('\n').find((l) => l.startsWith('problem: '))?.slice(9) : run.stderr.replace(/^loopwise: /, '').trim()) ?? '';
      assert.match(message, expected);
      for (const command of ['fix', 'hint']) {
        const r = loopwise(command, folder());
        assert.equal(r.code, 2, `${command}: ${r.stderr}`);
        assert.equal(r.stderr.trim(), `loopwise: ${message}`, command);
        const j = loopwise(command, folder(), '--json');
        assert.equal(j.code, 2);
        assert.deepEqual(JSON.parse(j.stdout), { status: 'error', error: message }, command);
      }
    });
  }

  it('fix --json: a usage error is still a JSON object on stdout', () => {
    const r = loopwise('fix', '--json');
    assert.equal(r.code, 2);
    assert.match(JSON.parse(r.stdout).error, /^usage: loopwise fix <folder>/);
  });

  it('fix --json reports its phases on stderr and keeps stdout one JSON result', () => {
    const r = loopwise('fix', join(repo, 'test/fixtures/repair/py-nofix'), '--json', '--budget-s', '6');
    assert.equal(r.code, 1, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.status, 'noFix');
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('fix: '));
    assert.match(lines[0] ?? r.stderr, /^fix: baseline, [\d.]+ s: running the tests on the original code$/);
    assert.ok(lines.some((l) => /^fix: localize, .*; best so far: no verified fix yet$/.test(l)), r.stderr);
    // The search reports every 50 candidates: a loaded machine may try fewer within the budget.
    if (result.candidatesTried >= 50) assert.ok(lines.some((l) => /^fix: search, \d+ candidates tried, [\d.]+ s.*; best so far: /.test(l)), r.stderr);
  });

  const line = (file: string, n: number, score: number, rank: number, extra?: number) => ({
    file, line: n, score: score + (extra ?? 0), rank, ochiai: score, evidence: { spectrum: score, ...(extra ? { extra } : {}) },
  });
  const result = (lines: ReturnType<typeof line>[], reason?: string): RepairResult => ({
    status: 'noFix', fixes: [], candidatesTried: 12, candidatesPerSecond: 4, seconds: 3, failingTests: ['t::a'],
    localization: { status: lines.length ? 'ranked' : 'runFailed', ...(reason ? { reason } : {}), lines } as unknown as RepairResult['localization'],
  });

  it('numbers the ranking by the score it prints and marks the lines the fix changes', () => {
    const r = result([line('a.py', 4, 0.816, 1, 10), line('a.py', 7, 1.194, 2), line('a.py', 2, 0.5, 3)]);
    r.fixes = [{ diff: '', files: [], edits: [{ file: 'a.py', line: 4, kind: 'comparison', before: '<', after: '<=' }], testsFixed: [], size: 1 }];
    assert.deepEqual(describeLocalization(r), [
      '  #1  a.py:7  score 1.194',
      '  #2  a.py:4  score 0.816  (the fix changes it)',
      '  #3  a.py:2  score 0.500',
    ]);
  });

  it('without ranked lines, no fix found does not point at "the lines above"', () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
    try {
      printHuman(result([], 'no test ran: (no output)'));
      printHuman(result([line('a.py', 4, 0.8, 1)]));
    } finally {
      console.log = log;
    }
    const text = out.join('\n');
    assert.match(text, /no fix found within budget \(12 candidates tried in 3\.0 s\), and no line could be ranked \(no test ran: \(no output\)\)/);
    assert.equal(text.match(/the lines above are where to look/g)?.length, 1);
  });
});
