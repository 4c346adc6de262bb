// Test selection on a large pytest suite: with the localization's coverage handed over, a candidate runs the
// failing tests and the passing tests covering its edit; a module-level edit runs everything; a fix is
// reported passed only after the whole suite ran on it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNodeProject, writePythonProject } from '../../../bench/large-projects';
import { localize } from '../../../server/src/localize/localize';
import { loadTask } from '../../../server/src/repair/task';
import { Verifier } from '../../../server/src/verify/verifier';

describe('verify: test selection on a large suite', function () {
  this.timeout(120000);
  let dir: string;
  let v: Verifier;
  let text: string;
  const file = 'pkg/mod7.py';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lw-select-'));
    const p = writePythonProject(dir);
    text = readFileSync(join(dir, file), 'utf8').replace(p.bug.from, p.bug.to);
    writeFileSync(join(dir, file), text);
    const task = loadTask(dir);
    v = await Verifier.open(task, { workers: 1 });
    await localize({ ...task, verifier: v, onCoverage: (c) => v.useCoverage(c), mutation: false, valueLines: 0 });
  });
  after(async () => { await v?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('runs only the covering tests on a candidate that breaks one of them, and the whole suite on the fix', async () => {
    const broken = await v.verify({ [file]: text.replace('    for v in values:', '    for v in values[1:]:') });
    assert.equal(broken.status, 'failed');
    assert.ok(broken.selected && !broken.selected.passed && broken.selected.tests < v.baseline.passing.length / 4, JSON.stringify(broken.selected));
    const fix = await v.verify({ [file]: text.replace('if v <= limit:', 'if v < limit:') });
    assert.equal(fix.status, 'passed');
    assert.ok(fix.selected?.passed);
    assert.ok(v.baseline.tests.every((t) => fix.tests.some((o) => o.id === t && o.status === 'passed')), 'the whole suite ran');
  });

  it('runs everything for a module-level edit', async () => {
    const r = await v.verify({ [file]: text + '\nLIMIT = 3\n' });
    assert.equal(r.selected, undefined);
  });
});

describe('verify: test selection on a large node:test suite', function () {
  this.timeout(120000);
  let dir: string;
  let v: Verifier;
  let text: string;
  const file = 'lib/mod7.js';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lw-select-js-'));
    const p = writeNodeProject(dir);
    text = readFileSync(join(dir, file), 'utf8').replace(p.bug.from, p.bug.to);
    writeFileSync(join(dir, file), text);
    const task = loadTask(dir);
    v = await Verifier.open(task, { workers: 1 });
    await localize({ ...task, verifier: v, onCoverage: (c) => v.useCoverage(c), mutation: false, valueLines: 0 });
  });
  after(async () => { await v?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('rejects a candidate breaking a covering test on the selected tests, and passes the fix after the whole suite', async () => {
    const broken = await v.verify({ [file]: text.replace('  for (const v of values) {\n    if (v <= limit)', '  for (const v of values.slice(1)) {\n    if (v <= limit)') });
    assert.equal(broken.status, 'failed');
    assert.ok(broken.selected && !broken.selected.passed && broken.selected.tests < v.baseline.passing.length / 4, JSON.stringify(broken.selected));
    const fix = await v.verify({ [file]: text.replace('if (v <= limit)', 'if (v < limit)') });
    assert.equal(fix.status, 'passed');
    assert.ok(fix.selected?.passed);
    assert.ok(v.baseline.tests.every((t) => fix.tests.some((o) => o.id === t && o.status === 'passed')), 'the whole suite ran');
  });
});
