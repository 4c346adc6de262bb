// Where a candidate's edit can change what runs: the hunks of a line diff against the original text, and
// for each the statement (or, for an inserted line, the function) of the original it lies in. Test
// selection runs the tests whose coverage reaches that code; an edit outside any function reaches every test.
import type { Node, Tree } from 'web-tree-sitter';
import type { Hunk } from '../parse/lineDiff';

/** Rows (0-based, inclusive) a test must have run for the edit to reach it; `body`: the first row that runs
 * only when the code is called (for a function, its body), not when its module loads. */
export interface Reach {
  from: number;
  to: number;
  body: number;
}

const PY_STATEMENTS = new Set(['function_definition', 'class_definition', 'decorated_definition']);
const FUNCTIONS = new Set(['function_definition', 'lambda', 'function_declaration', 'function_expression', 'function', 'arrow_function',
  'method_definition', 'generator_function_declaration', 'generator_function']);

const isStatement = (n: Node) => n.type.endsWith('_statement') || n.type.endsWith('_declaration') || PY_STATEMENTS.has(n.type);
const isFunction = (n: Node) => FUNCTIONS.has(n.type);
const indent = (line: string) => line.length - line.trimStart().length;

function insideFunction(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (isFunction(p)) return true;
  return false;
}

/** Where the hunk can change what runs; undefined when that is anywhere (module level, a function's header). */
export function reachOf(tree: Tree, lines: string[], starts: number[], h: Hunk, python: boolean): Reach | undefined {
  const rows = [];
  for (let r = h.from; r < h.to; r++) if (lines[r].trim()) rows.push(r);
  if (!rows.length) return insertionReach(tree, lines, starts, h, python);
  const start = starts[rows[0]] + indent(lines[rows[0]]);
  const last = rows[rows.length - 1];
  const end = starts[last] + lines[last].trimEnd().length;
  for (let n: Node | null = tree.rootNode.descendantForIndex(start, Math.max(start, end - 1)); n; n = n.parent) {
    if (isFunction(n)) {
      const body = n.childForFieldName('body');
      // An edit of the header (name, parameters, defaults, decorators) changes what loading the module does.
      if (body && body.startIndex <= start && end <= body.endIndex) return { from: n.startPosition.row, to: n.endPosition.row, body: body.startPosition.row };
      continue;
    }
    // A statement that starts after another on its row (`} else if (...)`) shares that row's coverage: the
    // enclosing one is taken instead, whose first row shows whether it ran.
    if (!isStatement(n) || lines[n.startPosition.row].length - lines[n.startPosition.row].trimStart().length !== n.startPosition.column) continue;
    if (!insideFunction(n)) return undefined;
    return { from: n.startPosition.row, to: n.endPosition.row, body: n.startPosition.row };
  }
  return undefined;
}

/**
 * Lines inserted between rows: they run only if the function whose body they land in is called, so the
 * reach is that function. Python: the body whose rows border the insertion and whose def is indented less
 * than the new lines; JavaScript: the braces around the insertion.
 */
function insertionReach(tree: Tree, lines: string[], starts: number[], h: Hunk, python: boolean): Reach | undefined {
  const added = h.added.find((l) => l.trim());
  if (added === undefined) return undefined;
  let prev = h.from - 1;
  while (prev >= 0 && !lines[prev].trim()) prev--;
  let next = h.from;
  while (next < lines.length && !lines[next].trim()) next++;
  const at = h.from < starts.length ? starts[h.from] : starts[starts.length - 1] + lines[lines.length - 1].length;
  const probes: (Node | null)[] = [];
  if (prev >= 0) probes.push(tree.rootNode.descendantForIndex(starts[prev] + lines[prev].trimEnd().length - 1));
  if (next < lines.length) probes.push(tree.rootNode.descendantForIndex(starts[next] + indent(lines[next])));
  let best: Node | undefined;
  for (const probe of probes) {
    for (let n: Node | null = probe; n; n = n.parent) {
      if (!isFunction(n)) continue;
      const body = n.childForFieldName('body');
      if (!body) continue;
      // Python: below the header's colon, after no row past the body, and indented deeper than the def.
      const holds = python
        ? body.type === 'block' && h.from > (body.previousSibling?.endPosition.row ?? Infinity) && prev <= body.endPosition.row && indent(added) > n.startPosition.column
        : body.type === 'statement_block' && body.startIndex < at && at < body.endIndex;
      if (holds) {
        if (!best || n.startIndex >= best.startIndex && n.endIndex <= best.endIndex) best = n;
        break;
      }
    }
  }
  return best && { from: best.startPosition.row, to: best.endPosition.row, body: best.childForFieldName('body')!.startPosition.row };
}
