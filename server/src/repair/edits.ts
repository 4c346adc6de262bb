// Candidate edits: text replacements on one source file, found on its syntax tree. A candidate is one or two
// edits; it is applied to the original text and kept only when the result still parses.
import type { Node, Tree } from 'web-tree-sitter';
import type { GrammarId } from '../parse/parser';

export interface Edit {
  file: string;
  /** Character offsets in the original text. */
  start: number;
  end: number;
  text: string;
  kind: string;
  /** 1-based line of the edit. */
  line: number;
  /** How often this kind of edit is the right one, relative to the others (0..1). */
  prior: number;
}

export interface Candidate {
  edits: Edit[];
  /** Search priority: suspiciousness of the lines x prior of the kinds. */
  score: number;
}

/** Everything the generators need about one source file. */
export interface SourceFile {
  file: string;
  text: string;
  tree: Tree;
  grammar: GrammarId;
  python: boolean;
}

export function edit(src: SourceFile, node: { startIndex: number; endIndex: number; startPosition: { row: number } }, text: string, kind: string, prior: number): Edit {
  return { file: src.file, start: node.startIndex, end: node.endIndex, text, kind, line: node.startPosition.row + 1, prior };
}

export function insertAt(src: SourceFile, offset: number, line: number, text: string, kind: string, prior: number): Edit {
  return { file: src.file, start: offset, end: offset, text, kind, line, prior };
}

/** Applies edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export function overlaps(a: Edit, b: Edit): boolean {
  if (a.file !== b.file) return false;
  return a.start < b.end && b.start < a.end || a.start === b.start;
}

/** Characters changed: the size the search and the final choice minimise. */
export function editSize(edits: Edit[]): number {
  return edits.reduce((n, e) => n + Math.max(e.end - e.start, e.text.length), 0);
}

/** Depth-first walk over named nodes. */
export function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const c of node.namedChildren) if (c) walk(c, visit);
}

export function hasSyntaxError(tree: Tree): boolean {
  return tree.rootNode.hasError;
}

/** The first ERROR or MISSING node, for reporting where a file stops parsing. */
export function firstSyntaxError(tree: Tree): Node | undefined {
  let found: Node | undefined;
  const visit = (n: Node): void => {
    if (found) return;
    if (n.isError || n.isMissing) { found = n; return; }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(tree.rootNode);
  return found;
}
