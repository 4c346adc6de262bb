import * as assert from 'node:assert';
import { enclosingFunction, functionsIn, testAt, testsIn } from '../../../server/src/parse/queries';
import { parse } from '../../../server/src/parse/parser';

const python = `import unittest

def helper(x):
    def inner(y):
        return y
    return inner(x)

@decorator
def test_top():
    assert helper(1) == 1

class Stack:
    def push(self, v):
        self.items.append(v)

class TestStack:
    def test_push(self):
        s = Stack()
        s.push(1)

    def helper(self):
        pass

class StackCase(unittest.TestCase):
    def test_empty(self):
        self.assertEqual([], [])
`;

const javascript = `const assert = require('node:assert');
function add(a, b) {
  return a + b;
}
const sub = (a, b) => a - b;
export const mul = function (a, b) { return a * b; };
class Calc {
  div(a, b) {
    return a / b;
  }
}
module.exports.neg = (a) => -a;
describe('calc', () => {
  it('adds', () => {
    assert.strictEqual(add(1, 2), 3);
  });
  test.skip(\`subtracts\`, () => {});
});
test('top level', async (t) => {
  await t.test('subtest', () => {});
});
`;

describe('parse/queries', () => {
  it('lists Python functions, methods and classes with 1-based lines and exact text ranges', async () => {
    const tree = await parse('python', python);
    const defs = functionsIn(tree, 'python');
    const summary = defs.map((d) => `${d.kind} ${d.qualifiedName} ${d.startLine}-${d.endLine}${d.isTest ? ' test' : ''}`);
    assert.deepStrictEqual(summary, [
      'function helper 3-6',
      'function helper.inner 4-5',
      'function test_top 8-10 test',
      'class Stack 12-14',
      'method Stack.push 13-14',
      'class TestStack 16-22 test',
      'method TestStack.test_push 17-19 test',
      'method TestStack.helper 21-22',
      'class StackCase 24-26 test',
      'method StackCase.test_empty 25-26 test',
    ]);
    const top = defs.find((d) => d.name === 'test_top')!;
    assert.ok(python.slice(top.startIndex, top.endIndex).startsWith('@decorator\ndef test_top():'));
    assert.ok(python.slice(top.startIndex, top.endIndex).endsWith('== 1'));
  });

  it('finds the innermost enclosing Python function of a line', async () => {
    const tree = await parse('python', python);
    assert.strictEqual(enclosingFunction(tree, 'python', 5)?.qualifiedName, 'helper.inner');
    assert.strictEqual(enclosingFunction(tree, 'python', 6)?.qualifiedName, 'helper');
    assert.strictEqual(enclosingFunction(tree, 'python', 14)?.qualifiedName, 'Stack.push');
    assert.strictEqual(enclosingFunction(tree, 'python', 1), undefined);
    assert.strictEqual(enclosingFunction(tree, 'python', 12), undefined, 'a class line is not inside a function');
  });

  it('lists Python tests and suites by pytest and unittest conventions', async () => {
    const tree = await parse('python', python);
    assert.deepStrictEqual(testsIn(tree, 'python').map((t) => `${t.kind} ${t.path.join('::')}`), [
      'test test_top', 'suite TestStack', 'test TestStack::test_push', 'suite StackCase', 'test StackCase::test_empty',
    ]);
    assert.strictEqual(testAt(tree, 'python', 19)?.name, 'test_push');
    assert.strictEqual(testAt(tree, 'python', 22), undefined);
  });

  it('lists JavaScript declarations, arrow functions assigned to const, methods and exports', async () => {
    const tree = await parse('javascript', javascript);
    const defs = functionsIn(tree, 'javascript').filter((d) => d.startLine < 13);
    assert.deepStrictEqual(defs.map((d) => `${d.kind} ${d.qualifiedName} ${d.startLine}-${d.endLine}`), [
      'function add 2-4', 'function sub 5-5', 'function mul 6-6', 'class Calc 7-11', 'method Calc.div 8-10', 'function neg 12-12',
    ]);
    const sub = defs.find((d) => d.name === 'sub')!;
    assert.strictEqual(javascript.slice(sub.startIndex, sub.endIndex), 'const sub = (a, b) => a - b;');
    assert.strictEqual(enclosingFunction(tree, 'javascript', 9)?.qualifiedName, 'Calc.div');
  });

  it('lists test(), it() and describe() calls with their suite path, including modifiers and subtests', async () => {
    const tree = await parse('javascript', javascript);
    assert.deepStrictEqual(testsIn(tree, 'javascript').map((t) => `${t.kind} ${t.path.join(' > ')} ${t.startLine}`), [
      'suite calc 13', 'test calc > adds 14', 'test calc > subtracts 17', 'test top level 19', 'test top level > subtest 20',
    ]);
    assert.strictEqual(testAt(tree, 'javascript', 15)?.name, 'adds');
  });

  it('handles TypeScript classes and generic arrow functions', async () => {
    const src = 'export abstract class Shape {\n  abstract area(): number;\n  describe(): string { return "s"; }\n}\nexport const id = <T>(x: T): T => x;\n';
    const tree = await parse('typescript', src);
    assert.deepStrictEqual(functionsIn(tree, 'typescript').map((d) => `${d.kind} ${d.qualifiedName}`), [
      'class Shape', 'method Shape.describe', 'function id',
    ]);
  });
});
