// Syntax-error hints (PyFiXV): simple repairs validated by re-parsing and a small edit distance, hints that name
// the line and the kind of error without the fixed code, and back-repair validation of a model's explanation.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyse, loadExercise, type Analysis } from '../../../server/src/hints/analyse';
import { hintFromAnalysis } from '../../../server/src/hints/pipeline';
import { editDistance, repairSyntax } from '../../../server/src/hints/syntax';
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from '../../fake-openai/server';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'hints');
const isTutor = (r: FakeRequest) => JSON.stringify(r.body.messages).includes('programming tutor');

describe('tutor hints for syntax errors', function () {
  this.timeout(120_000);

  const cases: [string, string, number, string, string][] = [
    ['a missing colon', 'def f(x)\n    return x\n', 1, 'missingColon', 'def f(x):'],
    ['an unclosed bracket', 'def f(x):\n    return max(x, 1\n', 2, 'brackets', '    return max(x, 1)'],
    ['a stray indentation', 'def f(x):\n    y = x\n      return y\n', 3, 'indentation', '    return y'],
    ['= in a condition', 'def f(x):\n    if x = 1:\n        return 2\n    return 0\n', 2, 'assignInCondition', '    if x == 1:'],
  ];
  for (const [what, text, line, kind, fixedLine] of cases) {
    it(`repairs ${what} with a small edit that parses`, async () => {
      const fix = await repairSyntax('a.py', 'python', text, line);
      assert.ok(fix, 'a repair');
      assert.equal(fix.kind, kind);
      assert.equal(fix.fixed.split('\n')[fix.line - 1], fixedLine);
      assert.ok(fix.distance <= 2);
    });
  }

  it('measures edit distance in characters', () => {
    assert.equal(editDistance('if x = 1:', 'if x == 1:'), 1);
    assert.equal(editDistance('abc', 'abc'), 0);
  });

  describe('on a folder', () => {
    let a: Analysis;
    let fake: FakeOpenAI | undefined;
    before(async () => { a = await analyse(loadExercise(join(fixtures, 'syntax-project'))); });
    afterEach(async () => { await fake?.close(); fake = undefined; });
    const settings = (url: string) => ({ baseUrl: url, models: { fixer: '', tutor: 't', student: 's', completion: '' } });

    it("names the line and the kind of error from Python's own message, never the fixed line", async () => {
      const r = await hintFromAnalysis(a, { level: 3, engine: 'embedded' });
      assert.equal(r.hint!.source, 'syntax');
      assert.match(r.hint!.text, /cannot read line 1 of solution.py: SyntaxError: expected ':'/);
      assert.match(r.hint!.text, /end of line 1/);
      assert.ok(!r.hint!.text.includes('limit):'));
    });

    it('accepts a model explanation when students repair the program from it alone', async () => {
      const fixed = '```python\n' + a.syntax!.fix!.fixed + '```';
      fake = await startFakeOpenAI({ script: (r) => ({ content: isTutor(r) ? 'The def line on line 1 is not finished: Python expects a colon there.' : fixed }) });
      const r = await hintFromAnalysis(a, { level: 2, settings: settings(fake.url), llm: { n: 2 } });
      assert.equal(r.hint!.text, 'The def line on line 1 is not finished: Python expects a colon there.');
      assert.match(r.hint!.validation!.note!, /back-repair: 2\/2/);
      const students = fake.generations().filter((q) => !isTutor(q));
      assert.ok(students.every((q) => !JSON.stringify(q.body).includes('verified repair')), 'students see only the explanation');
    });

    it('falls back to the embedded hint when back-repair fails', async () => {
      fake = await startFakeOpenAI({ script: (r) => ({ content: isTutor(r) ? 'Something is wrong somewhere.' : 'I do not know.' }) });
      const r = await hintFromAnalysis(a, { level: 2, settings: settings(fake.url), llm: { n: 2 } });
      assert.match(r.engineNote!, /back-repair validation failed \(0\/2/);
      assert.match(r.hint!.text, /end of line 1/);
    });
  });
});
