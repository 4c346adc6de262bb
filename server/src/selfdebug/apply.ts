// Applies code from a model at function granularity: every function or method the snippet defines replaces
// the definition of the same name in the source (parsed with tree-sitter, re-indented to its place), so a
// reply holding the whole file, only the changed functions, or extra unchanged code all edit only what changed.
import type { Tree } from 'web-tree-sitter';
import { parse, type GrammarId } from '../parse/parser';
import { functionsIn, testsIn, type Definition } from '../parse/queries';
import { dedent } from './reply';

export interface FunctionEditResult {
  /** The source with the snippet's functions swapped in (unchanged when nothing matched). */
  text: string;
  /** Qualified names of the source's functions whose text changed. */
  replaced: string[];
  /** Functions in the snippet that match the source but are identical to it. */
  unchanged: string[];
  /** Python imports the snippet needs that the source lacked, added with its functions. */
  addedImports: string[];
  /** Functions in the snippet with no definition of that name in the source. */
  unknown: string[];
  /** Tests the snippet declares (test_* functions, test()/it() calls). */
  tests: string[];
  /** The snippet itself does not parse. */
  snippetParseError: boolean;
  /** The edited source does not parse. */
  resultParseError: boolean;
}

/** Function and method definitions not nested inside another function (classes are looked into). */
function outermostFunctions(defs: Definition[]): Definition[] {
  return defs.filter((d) => d.kind !== 'class' && !defs.some((o) => o !== d && o.kind !== 'class' && o.startIndex <= d.startIndex && o.endIndex >= d.endIndex));
}

function hasError(tree: Tree): boolean {
  return tree.rootNode.hasError;
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

/** Re-indents a definition taken from the snippet so it sits at `indent` in the source. */
function reindent(defText: string, fromColumn: number, indent: string): string {
  return defText.split('\n').map((line, i) => {
    if (i === 0) return line;
    if (!line.trim()) return '';
    const own = line.match(/^[ \t]*/)![0].length;
    return indent + line.slice(Math.min(own, fromColumn));
  }).join('\n');
}

/** Finds the source definition a snippet definition stands for: same qualified name, else a unique same name. */
function match(def: Definition, targets: Definition[]): Definition | undefined {
  const exact = targets.find((t) => t.qualifiedName === def.qualifiedName);
  if (exact) return exact;
  const byName = targets.filter((t) => t.name === def.name);
  return byName.length === 1 ? byName[0] : undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where a function is in a source that does not parse (tree-sitter cannot be trusted there): its header
 * line by name, through the last line indented deeper than it (Python) or before the next declaration at
 * its level (JavaScript). Undefined when the name is not found exactly once.
 */
function textSpan(source: string, grammar: GrammarId, name: string): { startIndex: number; endIndex: number } | undefined {
  const header = grammar === 'python'
    ? new RegExp(`^([ \\t]*)(?:async[ \\t]+)?def[ \\t]+${escape(name)}\\b`, 'gm')
    : new RegExp(`^([ \\t]*)(?:export[ \\t]+)?(?:async[ \\t]+)?(?:function\\*?[ \\t]+${escape(name)}\\b|(?:const|let|var)[ \\t]+${escape(name)}[ \\t]*=)`, 'gm');
  const found = [...source.matchAll(header)];
  if (found.length !== 1) return undefined;
  const start = found[0].index!;
  const indent = found[0][1].length;
  const lines = source.slice(start).split('\n');
  let end = start + lines[0].length;
  let offset = end + 1;
  for (const line of lines.slice(1)) {
    const own = line.match(/^[ \t]*/)![0].length;
    const ends = grammar === 'python'
      ? line.trim() !== '' && own <= indent
      : own <= indent && /^[ \t]*(?:export\s+)?(?:async\s+)?(?:function|const|let|var|class|module\.exports|exports\.)/.test(line);
    if (ends) break;
    if (line.trim()) end = offset + line.length;
    offset += line.length + 1;
  }
  return { startIndex: start, endIndex: end };
}

export async function applyFunctionEdit(source: string, grammar: GrammarId, snippet: string): Promise<FunctionEditResult> {
  const code = dedent(snippet);
  const snippetTree = await parse(grammar, code);
  const sourceTree = await parse(grammar, source);
  try {
    const snippetDefs = functionsIn(snippetTree, grammar);
    const tests = [...snippetDefs.filter((d) => d.isTest).map((d) => d.qualifiedName), ...(grammar === 'python' ? [] : testsIn(snippetTree, grammar).map((t) => t.name))];
    const targets = functionsIn(sourceTree, grammar).filter((d) => d.kind !== 'class');
    const result: FunctionEditResult = { text: source, replaced: [], unchanged: [], addedImports: [], unknown: [], tests, snippetParseError: hasError(snippetTree), resultParseError: false };
    const edits: { start: number; end: number; text: string; name: string }[] = [];
    for (const def of outermostFunctions(snippetDefs)) {
      if (def.isTest) continue;
      const matched = match(def, targets);
      const fallback = !matched && hasError(sourceTree) ? textSpan(source, grammar, def.name) : undefined;
      const target = matched ?? (fallback && { ...fallback, qualifiedName: def.qualifiedName });
      if (!target) {
        result.unknown.push(def.qualifiedName);
        continue;
      }
      const column = def.startIndex - lineStart(code, def.startIndex);
      const indent = source.slice(lineStart(source, target.startIndex), target.startIndex);
      const replacement = reindent(code.slice(def.startIndex, def.endIndex), column, /^[ \t]*$/.test(indent) ? indent : '');
      if (replacement === source.slice(target.startIndex, target.endIndex)) result.unchanged.push(target.qualifiedName);
      else if (!edits.some((e) => e.start < target.endIndex && target.startIndex < e.end)) {
        edits.push({ start: target.startIndex, end: target.endIndex, text: replacement, name: target.qualifiedName });
      }
    }
    if (edits.length && grammar === 'python') {
      const imports = (tree: Tree) => tree.rootNode.namedChildren.filter((n) => n && /^import(_from)?_statement$/.test(n.type)).map((n) => n!);
      const have = imports(sourceTree);
      const haveText = new Set(have.map((n) => n.text));
      const missing = imports(snippetTree).map((n) => n.text).filter((t) => !haveText.has(t));
      if (missing.length) {
        const at = have.length ? have[have.length - 1].endIndex : 0;
        const text = have.length ? '\n' + missing.join('\n') : missing.join('\n') + '\n\n';
        edits.push({ start: at, end: at, text, name: '' });
        result.addedImports = missing;
      }
    }
    edits.sort((a, b) => b.start - a.start);
    for (const e of edits) result.text = result.text.slice(0, e.start) + e.text + result.text.slice(e.end);
    result.replaced = edits.filter((e) => e.name).map((e) => e.name).reverse();
    if (edits.length) {
      const edited = await parse(grammar, result.text);
      result.resultParseError = hasError(edited) && !hasError(sourceTree);
      edited.delete();
    }
    return result;
  } finally {
    snippetTree.delete();
    sourceTree.delete();
  }
}
