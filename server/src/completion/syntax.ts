// The tree-sitter check used by truncation: how many syntax errors a text has in a grammar. One parser per
// grammar, created on first use through parse/parser.ts; trees are freed at once.
import type { Node, Parser } from 'web-tree-sitter';
import { createParser, type GrammarId } from '../parse/parser';
import type { ErrorCounter } from './truncate';

const parsers = new Map<GrammarId, Promise<Parser>>();

/** ERROR and MISSING nodes under `node`, descending only into subtrees that have errors. */
export function countErrors(node: Node): number {
  if (!node.hasError && !node.isMissing) return 0;
  let n = node.isError || node.isMissing ? 1 : 0;
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c) n += countErrors(c);
  }
  return n;
}

export async function errorCounter(grammar: GrammarId): Promise<ErrorCounter> {
  let p = parsers.get(grammar);
  if (!p) {
    p = createParser(grammar);
    parsers.set(grammar, p);
  }
  const parser = await p;
  return (text: string) => {
    const tree = parser.parse(text);
    if (!tree) return 0;
    try {
      return countErrors(tree.rootNode);
    } finally {
      tree.delete();
    }
  };
}
