// The exceptions the failing tests expect the code to raise or throw, read from the test files' syntax:
// `pytest.raises(ValueError, match=...)`, `assertRaises(Regex)`, `assert.throws(fn, /msg/ | { message } |
// TypeError)`, `expect(fn).toThrow(...)`. The raise guards take their type and message from these.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node, Parser } from 'web-tree-sitter';
import { walk } from './edits';

export interface ExpectedError {
  /** Exception class name (`ValueError`, `RangeError`); the language's plain one when the test names none. */
  type: string;
  /** A message that matches what the test asks for ('' when it asks nothing of the message). */
  message: string;
}

/** A literal text the regex source matches: anchors dropped, escapes resolved, the longest plain run kept. */
export function literalOf(pattern: string): string {
  const p = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  const runs: string[] = [''];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length && !/[A-Za-z0-9]/.test(p[i + 1])) runs[runs.length - 1] += p[++i];
    else if ('.*+?[](){}|^$\\'.includes(c)) runs.push('');
    else runs[runs.length - 1] += c;
  }
  return runs.reduce((a, b) => (b.length > a.length ? b : a), '').trim();
}

function stringValue(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'string') {
    const parts = n.namedChildren.filter((c) => c?.type === 'string_content' || c?.type === 'string_fragment');
    return parts.map((c) => c!.text).join('');
  }
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution')) return n.text.slice(1, -1);
  return undefined;
}

function argsOf(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
}

/** What one `throws`/`raises` call expects, or undefined when it is not one. */
function expectation(call: Node, python: boolean): ExpectedError | undefined {
  const fn = call.childForFieldName('function')?.text ?? '';
  const args = argsOf(call);
  if (python) {
    const plain = 'Exception';
    if (/(^|\.)raises$/.test(fn) || /(^|\.)assertRaises(Regex|RegexpMatches)?$/.test(fn)) {
      const type = args[0] && args[0].type !== 'keyword_argument' ? args[0].text.split('.').pop()! : plain;
      const match = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'match')?.childForFieldName('value');
      const regex = /Regex/.test(fn) ? stringValue(args[1]) : stringValue(match);
      return { type: /^\(/.test(type) ? plain : type, message: regex ? literalOf(regex) : '' };
    }
    return undefined;
  }
  let arg: Node | undefined;
  if (/(^|\.)throws$/.test(fn)) arg = args[1];
  else if (/\.toThrow(Error)?$/.test(fn)) arg = args[0];
  else return undefined;
  const out: ExpectedError = { type: 'Error', message: '' };
  if (!arg) return out;
  if (arg.type === 'regex') out.message = literalOf(arg.childForFieldName('pattern')?.text ?? '');
  else if (arg.type === 'string') out.message = stringValue(arg) ?? '';
  else if (arg.type === 'identifier' && /Error$/.test(arg.text)) out.type = arg.text;
  else if (arg.type === 'object') {
    for (const pair of arg.namedChildren) {
      const key = pair?.childForFieldName('key')?.text.replace(/['"]/g, '');
      const value = pair?.childForFieldName('value');
      if (key === 'name' && stringValue(value)) out.type = stringValue(value)!;
      if (key === 'message') out.message = value?.type === 'regex' ? literalOf(value.childForFieldName('pattern')?.text ?? '') : stringValue(value) ?? '';
    }
  }
  return out;
}

/** The name of the test a node sits in: the Python test function, or the JavaScript test('name', ...) call. */
function testName(n: Node, python: boolean): string | undefined {
  for (let p: Node | null = n.parent; p; p = p.parent) {
    if (python && p.type === 'function_definition') return p.childForFieldName('name')?.text;
    if (!python && p.type === 'call_expression' && /^(test|it)(\.only)?$/.test(p.childForFieldName('function')?.text ?? '')) return stringValue(argsOf(p)[0]);
  }
  return undefined;
}

/**
 * The errors the failing tests expect, most specific first (with a message before without); at most four.
 * A test file that cannot be read or parsed contributes nothing.
 */
export function expectedErrors(root: string, testFiles: readonly string[], failing: readonly string[], parser: Parser, python: boolean): ExpectedError[] {
  const found: ExpectedError[] = [];
  for (const file of testFiles) {
    let text: string;
    try { text = readFileSync(join(root, file), 'utf8'); } catch { continue; }
    if (!/raises|Raises|throws|toThrow/.test(text)) continue;
    const tree = parser.parse(text);
    if (!tree) continue;
    walk(tree.rootNode, (n) => {
      if (n.type !== 'call' && n.type !== 'call_expression') return;
      const e = expectation(n, python);
      const name = e && testName(n, python);
      if (e && name && failing.some((id) => id.startsWith(`${file}::`) && (id.endsWith(name) || id.includes(`${name}[`)))) found.push(e);
    });
    tree.delete();
  }
  const unique = [...new Map(found.map((e) => [`${e.type}:${e.message}`, e])).values()];
  return unique.sort((a, b) => Number(!!b.message) - Number(!!a.message)).slice(0, 4);
}
