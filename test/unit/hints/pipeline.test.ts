// Tutor hints end to end on small student folders: embedded hints from a real run and a verified fix, and the
// LLM pipeline against the fake OpenAI server (scripted tutor and student replies): accepted, withheld when
// students do not improve, blocked by the leak guard, and the embedded path when no model is configured.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LlmSettings } from '../../../common/protocol';
import { analyse, loadExercise, type Analysis } from '../../../server/src/hints/analyse';
import { acceptHint, parseTutorReply } from '../../../server/src/hints/llm';
import { hintFromAnalysis } from '../../../server/src/hints/pipeline';
import { fixFromReference } from '../../../server/src/hints/reference';
import { startFakeOpenAI, type FakeOpenAI, type FakeRequest } from '../../fake-openai/server';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'hints');
const fixedProgram = '```python\ndef count_at_least(xs, limit):\n    n = 0\n    for x in xs:\n        if x >= limit:\n            n += 1\n    return n\n```\n';
const wrongProgram = '```python\ndef count_at_least(xs, limit):\n    return len(xs)\n```\n';
const goodHint = 'EXPLANATION: the comparison misses equal values.\nHINT: Check what your condition does when an element is exactly equal to the limit.';

const isTutor = (r: FakeRequest) => JSON.stringify(r.body.messages).includes('programming tutor');
const hasHint = (r: FakeRequest) => JSON.stringify(r.body.messages).includes('Hint from the tutor');

describe('tutor hints', function () {
  this.timeout(180_000);
  let count: Analysis;
  before(async () => { count = await analyse(loadExercise(join(fixtures, 'count-project')), { budgetS: 30 }); });

  describe('embedded', () => {
    it('levels go nudge -> location -> concept, with the real failing input and expected/actual', async () => {
      assert.ok(count.fix, 'the embedded engine verifies a fix for the fixture');
      const [l1, l2, l3] = await Promise.all([1, 2, 3].map((level) => hintFromAnalysis(count, { level: level as 1 | 2 | 3, engine: 'embedded' })));
      assert.match(l1.hint!.text, /`count_at_least\(\[1, 5, 7\], 5\)` should give 2 but gives 1/);
      assert.equal(l1.hint!.location, undefined);
      assert.doesNotMatch(l1.hint!.text, /line \d/);
      assert.deepEqual(l2.hint!.location, { file: 'solution.py', line: 4 });
      assert.match(l2.hint!.text, /condition on line 4/);
      assert.match(l3.hint!.text, /boundary/);
      for (const h of [l1, l2, l3]) {
        assert.equal(h.hint!.source, 'embedded');
        assert.doesNotMatch(h.hint!.text, />=/, 'never the edit');
      }
    });

    it("caps the level at the assignment's maximum and uses the teacher's description", async () => {
      const a = await analyse(loadExercise(join(fixtures, 'assignment-project')), { budgetS: 30 });
      assert.equal(a.exercise.description, 'Return the index of the last occurrence of target in xs, or -1.');
      const r = await hintFromAnalysis(a, { level: 3, engine: 'embedded' });
      assert.equal(r.hint!.level, 2);
      assert.equal(r.hint!.maxLevel, 2);
      assert.equal(r.hint!.location?.line, 2);
      assert.ok(!r.hint!.text.includes('while'), 'nothing from the reference');
    });
  });

  describe('LLM (GPT4Hints-GPT3.5Val)', () => {
    let fake: FakeOpenAI | undefined;
    afterEach(async () => { await fake?.close(); fake = undefined; });
    const settings = (url: string): Partial<LlmSettings> => ({ baseUrl: url, models: { fixer: '', tutor: 'tutor-m', student: 'student-m', completion: '' } });

    it('parses the reply and applies the acceptance rule', () => {
      assert.deepEqual(parseTutorReply(goodHint), { explanation: 'the comparison misses equal values.', hint: 'Check what your condition does when an element is exactly equal to the limit.' });
      assert.equal(acceptHint(3, 1, 5, 0.5, 0.25), true);
      assert.equal(acceptHint(2, 0, 5, 0.5, 0.25), true, 'improvement 0.4 >= beta');
      assert.equal(acceptHint(1, 1, 5, 0.5, 0.25), false);
      assert.equal(acceptHint(4, 5, 5, 0.5, 0.25), false, 'worse than without');
    });

    it('accepts a hint with which students fix the bug more often, each attempt verified by the tests', async () => {
      fake = await startFakeOpenAI({ script: (r) => ({ content: isTutor(r) ? goodHint : hasHint(r) ? fixedProgram : wrongProgram }) });
      const r = await hintFromAnalysis(count, { level: 1, settings: settings(fake.url), llm: { n: 3 } });
      assert.equal(r.status, 'hint', r.message);
      assert.equal(r.hint!.source, 'llm');
      assert.equal(r.hint!.text, 'Check what your condition does when an element is exactly equal to the limit.');
      assert.deepEqual([r.hint!.validation!.withHint, r.hint!.validation!.withoutHint], [3, 0]);
      assert.equal(fake.generations().filter((q) => !isTutor(q)).length, 6, 'n without + n with');
      assert.ok(fake.generations().every((q) => !isTutor(q) || JSON.stringify(q.body).includes('x >= limit')), 'the tutor sees the fix');
      assert.ok(fake.generations().every((q) => isTutor(q) || !JSON.stringify(q.body).includes('x >= limit')), 'students never see it');
    });

    it('regenerates once, then withholds a hint that does not help students', async () => {
      fake = await startFakeOpenAI({ script: (r) => ({ content: isTutor(r) ? goodHint : wrongProgram }) });
      const r = await hintFromAnalysis(count, { level: 1, settings: settings(fake.url), llm: { n: 2 } });
      assert.equal(r.status, 'withheld');
      assert.match(r.message!, /students fixed 0\/2 with it, 0\/2 without/);
      assert.equal(fake.generations().filter(isTutor).length, 2);
    });

    it('blocks a leaking hint before any student sees it', async () => {
      fake = await startFakeOpenAI({ script: (r) => ({ content: isTutor(r) ? 'EXPLANATION: x.\nHINT: Write `if x >= limit:` on line 4.' : fixedProgram }) });
      const r = await hintFromAnalysis(count, { level: 1, settings: settings(fake.url), llm: { n: 2 } });
      assert.equal(r.status, 'withheld');
      assert.equal(r.leaksBlocked, 2);
      assert.match(r.message!, /leak guard/);
      assert.equal(fake.generations().filter(hasHint).length, 0);
    });

    it('grounds the hint in a fix from the LLM self-debugging engine when no other verified fix exists', async () => {
      fake = await startFakeOpenAI({ script: (r) => {
        if (r.body.model === 'fixer-m') return { content: 'Equal values are not counted.\n\n' + fixedProgram };
        return { content: isTutor(r) ? goodHint : hasHint(r) ? fixedProgram : wrongProgram };
      } });
      const r = await hintFromAnalysis({ ...count, fix: undefined }, { level: 1, settings: { baseUrl: fake.url, models: { fixer: 'fixer-m', tutor: 'tutor-m', student: 'student-m', completion: '' } }, llm: { n: 2 } });
      assert.equal(r.status, 'hint', r.message);
      assert.equal(r.hint!.source, 'llm');
      assert.ok(fake.generations().some((q) => q.body.model === 'fixer-m'));
      const tutor = fake.generations().find(isTutor)!;
      assert.match(JSON.stringify(tutor.body), /x >= limit/, 'the tutor sees the LLM fix');
    });

    it('uses the embedded engine and says so when no model is configured', async () => {
      const r = await hintFromAnalysis(count, { level: 2, settings: { baseUrl: '', models: { fixer: '', tutor: '', student: '', completion: '' } } });
      assert.equal(r.hint!.source, 'embedded');
      assert.match(r.engineNote!, /no model configured for the tutor and student role/);
    });
  });
});

describe('tutor hints from a reference written differently', function () {
  this.timeout(120_000);
  it("points at the function whose reference version fixes the failing test, never showing the reference", async () => {
    const ex = loadExercise(join(fixtures, 'reference-project'));
    const r = await fixFromReference(ex, 'test_solution.py::test_absent');
    assert.equal(r.fix?.functionName, 'is_unique', r.note);
    assert.ok(r.fix!.changedLines.every((l) => l >= 9), 'only is_unique changes');
    const a = await analyse(ex, { budgetS: 1 });
    const h = await hintFromAnalysis({ ...a, fix: a.fix ?? r.fix }, { level: 3, engine: 'embedded' });
    assert.match(h.hint!.text, /`is_unique\(9, \[2, 3, 2\]\)` should give False but gives True/);
    assert.ok(!h.hint!.text.includes('== 1') && !h.hint!.text.includes('sum('), h.hint!.text);
  });
});
