// The lines a save changed, as test impact reads them: replaced and removed lines of the earlier text,
// and for pure insertions the earlier lines around them; moved-apart edits stay apart.
import * as assert from 'node:assert';
import { lineChanges } from '../../../server/src/parse/lineDiff';

const text = (...lines: string[]) => `${lines.join('\n')}\n`;
const before = text('def alpha(x):', '    return x + 1', '', '', 'def beta(x):', '    return x * 2');

describe('lineChanges', () => {
  it('reports nothing for the same text', () => {
    assert.deepStrictEqual(lineChanges(before, before), { removed: [], insertedBetween: [] });
  });

  it('reports a replaced line by its earlier number', () => {
    const after = before.replace('x + 1', '1 + x');
    assert.deepStrictEqual(lineChanges(before, after), { removed: [2], insertedBetween: [] });
  });

  it('keeps two edits far apart as two changes, not the span between them', () => {
    const after = before.replace('x + 1', '1 + x').replace('x * 2', '2 * x');
    assert.deepStrictEqual(lineChanges(before, after), { removed: [2, 6], insertedBetween: [] });
  });

  it('reports an inserted line by the earlier lines around it', () => {
    const after = before.replace('    return x + 1\n', '    x = abs(x)\n    return x + 1\n');
    assert.deepStrictEqual(lineChanges(before, after), { removed: [], insertedBetween: [[1, 2]] });
  });

  it('reports removed lines, and a line added at the end after the last line', () => {
    assert.deepStrictEqual(lineChanges(before, before.replace('\n\n\n', '\n')).removed, [3, 4]);
    assert.deepStrictEqual(lineChanges(before, `${before}x = 1\n`).insertedBetween, [[6, 7]]);
  });
});
