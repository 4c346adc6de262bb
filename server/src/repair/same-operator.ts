// The same operator wrong at every use on a line (`a == b && b == c && a == c` meant with `||`): each
// operator that occurs at least twice on the line is replaced at all of its uses at once, by the others of
// its family. One-at-a-time replacements are the mutations' (mutate.ts); this is the consistent slip.
import type { Node } from 'web-tree-sitter';
import { walk, type Edit, type SourceFile } from './edits';
import { langOf } from './lang';

export const sameOperatorPrior = 0.5;

export function sameOperatorAt(src: SourceFile, line: number): Edit[] {
  const info = langOf(src);
  const row = line - 1;
  const uses = new Map<string, Node[]>();
  walk(src.tree.rootNode, (n) => {
    if (n.startPosition.row > row || n.endPosition.row < row || !info.binary.has(n.type)) return;
    // Python's comparisons hold their operators in a list (`a < b <= c`).
    const ops = n.type === 'comparison_operator' ? n.childrenForFieldName('operators') : [n.childForFieldName('operator')];
    for (const op of ops) if (op && op.startPosition.row === row) uses.set(op.text, [...(uses.get(op.text) ?? []), op]);
  });
  const out: Edit[] = [];
  for (const [op, nodes] of uses) {
    if (nodes.length < 2) continue;
    const sorted = [...new Map(nodes.map((n) => [n.startIndex, n])).values()].sort((a, b) => a.startIndex - b.startIndex);
    if (sorted.length < 2) continue;
    const first = sorted[0], last = sorted[sorted.length - 1];
    const alts = new Set(info.families.filter((f) => f.includes(op)).flat().filter((o) => o !== op));
    for (const alt of alts) {
      let text = '';
      let at = first.startIndex;
      for (const n of sorted) { text += src.text.slice(at, n.startIndex) + alt; at = n.endIndex; }
      out.push({ file: src.file, start: first.startIndex, end: last.endIndex, text, kind: 'sameOperator', line, prior: sameOperatorPrior });
    }
  }
  return out;
}
