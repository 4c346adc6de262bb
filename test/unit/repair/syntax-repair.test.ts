// The repair engine on projects whose source does not parse: a one-token edit near the error that makes the
// file parse and the tests pass is returned as a fix; a syntax error hiding a second bug is still reported
// as a syntax error, with the candidates tried. The project folder is never written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repair } from '../../../server/src/repair/repair';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'repair');

describe('repair: syntax errors', function () {
  // No private TMPDIR here: a 0700 one keeps the candidates' unprivileged test runs (when run as root) from
  // reaching the scratch copy, which a project whose tests fail to collect needs (see pythonWorker's run_session).
  this.timeout(120000);

  it('repairs a JavaScript line with a missing + and verifies it with the tests', async () => {
    const root = join(fixtures, 'js-syntax');
    const original = readFileSync(join(root, 'label.js'), 'utf8');
    const r = await repair({ root, language: 'javascript', sources: ['label.js'], tests: ['label.test.js'], budgetS: 30 });
    assert.equal(r.status, 'fixed', r.message);
    assert.match(r.fixes[0].files[0].newText, /const where = 'chapter ' \+ n \+ ' of ' \+ total;/);
    assert.match(r.fixes[0].diff, /^\+ {2}const where = 'chapter ' \+ n \+ ' of ' \+ total;$/m);
    assert.equal(r.fixes[0].edits[0].line, 3);
    assert.ok(r.candidatesTried >= 1);
    assert.equal(readFileSync(join(root, 'label.js'), 'utf8'), original);
  });

  it('repairs a missing Python colon', async () => {
    const r = await repair({ root: join(fixtures, 'py-syntax-only'), language: 'python', sources: ['stats.py'], tests: ['test_stats.py'], budgetS: 30 });
    assert.equal(r.status, 'fixed', r.message);
    assert.match(r.fixes[0].files[0].newText, /^ {8}if v > best:$/m);
    assert.deepEqual([...r.fixes[0].testsFixed].sort(), ['test_stats.py::test_ascending', 'test_stats.py::test_mixed', 'test_stats.py::test_spread']);
  });

  it('reports a syntax error whose parsing repairs all fail the tests', async () => {
    // py-syntax: a missing colon and, behind it, `<` where `>` is meant.
    const r = await repair({ root: join(fixtures, 'py-syntax'), language: 'python', sources: ['stats.py'], tests: ['test_stats.py'], budgetS: 30 });
    assert.equal(r.status, 'syntaxError');
    assert.ok(r.candidatesTried > 0);
    assert.match(r.message ?? '', /stats\.py:4: the code does not parse, and none of the \d+ small edits/);
  });
});
