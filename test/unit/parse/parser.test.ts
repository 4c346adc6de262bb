import * as assert from 'node:assert';
import { grammarFor, parse } from '../../../server/src/parse/parser';

describe('parse/parser', () => {
  it('parses Python and JavaScript into trees without errors', async () => {
    const py = await parse('python', 'def f(x):\n    return x + 1\n');
    assert.strictEqual(py.rootNode.hasError, false);
    assert.strictEqual(py.rootNode.child(0)?.type, 'function_definition');
    const js = await parse('javascript', 'const f = (x) => x + 1;\n');
    assert.strictEqual(js.rootNode.hasError, false);
  });
  it('marks a syntax error', async () => {
    const py = await parse('python', 'def f(x)\n    return x\n');
    assert.strictEqual(py.rootNode.hasError, true);
  });
  it('maps file names and language ids to grammars', () => {
    assert.strictEqual(grammarFor('a/b.py'), 'python');
    assert.strictEqual(grammarFor('x.test.ts'), 'typescript');
    assert.strictEqual(grammarFor('typescriptreact'), 'tsx');
    assert.strictEqual(grammarFor('main.rs'), undefined);
  });
});
