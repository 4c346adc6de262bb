// ES module projects ("type": "module", .mjs): the warm Node worker loads ESM test files and sources (named
// and default imports of node:test, a CommonJS helper, import.meta.url, top-level await, a dynamic import),
// serves each candidate's ESM source fresh, and the localization harness observes the same tests, so `fix`
// finds and verifies the fix as it does for CommonJS.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '../../../server/src/run';
import { repair } from '../../../server/src/repair/repair';
import { loadTask } from '../../../server/src/repair/task';
import { Verifier } from '../../../server/src/verify/verifier';

const buggy = `import { sep } from './sep.mjs';
// Turns a title into a lowercase URL slug: words joined by single dashes.
export function slugify(title) {
  return title
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]/g, sep)
    .replace(/^-+|-+$/g, '');
}
export default slugify;
`;
const fixed = buggy.replace('/[^a-z0-9]/g', '/[^a-z0-9]+/g');

function project(dir: string): string {
  mkdirSync(join(dir, 'test', 'data'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'slug-esm', type: 'module', scripts: { test: 'node --test' } }));
  writeFileSync(join(dir, 'slugify.js'), buggy);
  writeFileSync(join(dir, 'sep.mjs'), "export const sep = '-';\n");
  writeFileSync(join(dir, 'words.cjs'), "module.exports = { words: (s) => s.split(' ') };\n");
  writeFileSync(join(dir, 'test', 'data', 'titles.json'), JSON.stringify({ title: 'Hello' }));
  writeFileSync(join(dir, 'test', 'slugify.test.js'), `import test, { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import slugifyDefault, { slugify } from '../slugify.js';
import helpers from '../words.cjs';

const data = JSON.parse(readFileSync(new URL('./data/titles.json', import.meta.url), 'utf8'));
const { words } = await import('../words.cjs');

test('lowercases a single word', () => {
  assert.equal(slugify(data.title), 'hello');
});

describe('joining', () => {
  it('joins words with one dash', () => {
    assert.equal(slugifyDefault('Hello,  World'), 'hello-world');
  });
  it('keeps one dash per gap', () => {
    assert.equal(slugify(words('a b').join('  ')), 'a-b');
    assert.equal(helpers.words('x y').length, 2);
  });
});
`);
  return dir;
}

describe('verify: ES module projects', function () {
  this.timeout(120000);
  let dir: string;
  let root: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-esm-'));
    root = project(join(dir, 'p'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the warm worker runs the ESM tests as node --test does, and judges ESM candidates', async () => {
    const run = await runTests({ root });
    const failing = run.tests.filter((t) => t.status !== 'passed').map((t) => t.id).sort();
    assert.deepEqual(failing, ['test/slugify.test.js::joining > joins words with one dash', 'test/slugify.test.js::joining > keeps one dash per gap']);
    const v = await Verifier.open(loadTask(root), { workers: 1 });
    try {
      assert.deepEqual(v.baseline.collectErrors, []);
      assert.equal(v.baseline.tests.length, 3);
      assert.deepEqual([...v.baseline.failing].sort(), failing);
      assert.equal((await v.verify({ 'slugify.js': fixed })).status, 'passed');
      assert.equal((await v.verify({ 'slugify.js': buggy.replace("'')", "'x')") })).status, 'failed');
      assert.equal((await v.verify({ 'slugify.js': buggy.replace('export function', 'export functio') })).status, 'invalid');
      assert.equal((await v.verify({ 'slugify.js': buggy.replace('return title', 'for (;;) {}\n  return title') })).status, 'timedOut');
      // A candidate's source does not stay loaded: the original fails again.
      assert.equal((await v.verify({ 'slugify.js': buggy })).status, 'failed');
    } finally {
      await v.close();
    }
  });

  it('fix localizes with the ESM tests and finds the verified fix', async () => {
    const r = await repair({ ...loadTask(root), budgetS: 30 });
    assert.equal(r.status, 'fixed', r.message);
    assert.match(r.fixes[0].diff, /\+ {4}\.replace\(\/\[\^a-z0-9\]\+\/g, sep\)/);
    assert.equal(r.localization?.status, 'ranked', r.localization?.reason);
    assert.ok(r.localization.lines.some((l) => l.file === 'slugify.js' && l.line === 7), JSON.stringify(r.localization.lines.slice(0, 5)));
  });
});
