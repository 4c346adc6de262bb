// .loopwise/assignment.json: a valid file gives the policy and the reference; a malformed one gives an error
// naming the file and the field.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignmentError, defaultPolicy, readAssignment } from '../../../server/src/hints/assignment';

describe('hints assignment file', () => {
  let root: string;
  const write = (body: string) => writeFileSync(join(root, '.loopwise', 'assignment.json'), body);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'loopwise-assignment-'));
    mkdirSync(join(root, '.loopwise'));
    writeFileSync(join(root, 'ref.py'), 'def f():\n    return 1\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is optional', () => {
    rmSync(join(root, '.loopwise'), { recursive: true });
    assert.equal(readAssignment(root), undefined);
  });

  it('reads the description, reference and policy, with defaults', () => {
    write(JSON.stringify({ description: 'Sum a list', reference: 'ref.py', hintPolicy: { maxLevel: 2 } }));
    const a = readAssignment(root)!;
    assert.equal(a.description, 'Sum a list');
    assert.equal(a.referencePath, join(root, 'ref.py'));
    assert.deepEqual(a.policy, { ...defaultPolicy, maxLevel: 2 });
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{', /not valid JSON/],
    ['an unknown field', '{"refrence": "ref.py"}', /unknown field\(s\) refrence/],
    ['a missing reference', '{"reference": "nope.py"}', /reference solution "nope.py" does not exist/],
    ['alpha out of range', '{"hintPolicy": {"alpha": 2}}', /hintPolicy.alpha must be a number between 0 and 1/],
    ['a bad level', '{"hintPolicy": {"maxLevel": 4}}', /maxLevel must be 1, 2 or 3/],
    ['a test outside the folder', '{"tests": ["../x.py"]}', /must be inside the workspace folder/],
  ];
  for (const [what, body, message] of bad) {
    it(`rejects ${what} with a clear message`, () => {
      write(body);
      assert.throws(() => readAssignment(root), (e: Error) => e instanceof AssignmentError && message.test(e.message) && e.message.includes('assignment.json'));
    });
  }
});
