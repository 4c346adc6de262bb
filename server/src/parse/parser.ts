// Loads web-tree-sitter and the WASM grammars once per process, and parses text into syntax trees.
// The .wasm files sit next to the bundle (dist/); from sources (tests) they are read from node_modules.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

export type GrammarId = 'python' | 'javascript' | 'typescript' | 'tsx';

const wasmFiles: Record<GrammarId | 'runtime', [string, string]> = {
  runtime: ['tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm'],
  python: ['tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'],
  javascript: ['tree-sitter-javascript.wasm', 'tree-sitter-javascript/tree-sitter-javascript.wasm'],
  typescript: ['tree-sitter-typescript.wasm', 'tree-sitter-typescript/tree-sitter-typescript.wasm'],
  tsx: ['tree-sitter-tsx.wasm', 'tree-sitter-typescript/tree-sitter-tsx.wasm'],
};

function wasmPath(id: GrammarId | 'runtime'): string {
  const [bundled, inPackage] = wasmFiles[id];
  const candidates = [join(__dirname, bundled), join(__dirname, '..', 'dist', bundled), join(process.cwd(), 'node_modules', inPackage)];
  let dir = __dirname;
  for (let i = 0; i < 6; i++, dir = join(dir, '..')) candidates.push(join(dir, 'node_modules', inPackage));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`tree-sitter grammar file ${bundled} not found (looked in ${candidates.slice(0, 3).join(', ')})`);
  return found;
}

let init: Promise<void> | undefined;
const languages = new Map<GrammarId, Promise<Language>>();

export function loadLanguage(id: GrammarId): Promise<Language> {
  init ??= Parser.init({ locateFile: () => wasmPath('runtime') });
  let lang = languages.get(id);
  if (!lang) {
    lang = init.then(() => Language.load(wasmPath(id)));
    languages.set(id, lang);
  }
  return lang;
}

/** A parser for one grammar. Parsers are cheap; callers that re-parse incrementally keep theirs. */
export async function createParser(id: GrammarId): Promise<Parser> {
  const language = await loadLanguage(id);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export async function parse(id: GrammarId, text: string): Promise<Tree> {
  const parser = await createParser(id);
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) throw new Error(`tree-sitter failed to parse ${id} text`);
  return tree;
}

/** Grammar for a file name or LSP language id; undefined when Loopwise does not parse it. */
export function grammarFor(fileOrLanguageId: string): GrammarId | undefined {
  const s = fileOrLanguageId.toLowerCase();
  if (s === 'python' || s.endsWith('.py')) return 'python';
  if (s === 'typescriptreact' || s.endsWith('.tsx')) return 'tsx';
  if (s === 'typescript' || /\.(ts|mts|cts)$/.test(s)) return 'typescript';
  if (s === 'javascript' || s === 'javascriptreact' || /\.(js|mjs|cjs|jsx)$/.test(s)) return 'javascript';
  return undefined;
}
