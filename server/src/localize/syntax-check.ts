// Where exactly a source file's syntax error is, as the language's own compiler reports it: tree-sitter
// notices that a file does not parse, but its error recovery can place the error lines later (after a
// missing colon, for instance). Compiling (never running) the file in the sandbox gives the real line.
import type { Scratch } from '../run/sandbox';
import { execSandboxed, type Interpreter } from './exec';

export interface SyntaxProblem {
  line: number;
  message: string;
}

const pythonCheck = String.raw`
import json, sys
path = sys.argv[1]
try:
    compile(open(path, encoding='utf-8').read(), path, 'exec')
except SyntaxError as e:
    print(json.dumps({'line': e.lineno or 1, 'message': '%s: %s' % (type(e).__name__, e.msg)}))
`;

export async function compilerSyntaxError(language: 'python' | 'javascript', interp: Interpreter, scratch: Scratch, file: string, signal?: AbortSignal): Promise<SyntaxProblem | undefined> {
  if (language === 'python') {
    const r = await execSandboxed(interp, ['-c', pythonCheck, file], scratch, {}, 10000, signal);
    const line = r.output.split('\n').find((l) => l.startsWith('{'));
    return line ? (JSON.parse(line) as SyntaxProblem) : undefined;
  }
  const r = await execSandboxed(interp, ['--check', file], scratch, {}, 10000, signal);
  if (r.exitCode === 0) return undefined;
  const at = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(r.output);
  const message = r.output.split('\n').find((l) => /Error/.test(l))?.trim() ?? 'syntax error';
  return at ? { line: Number(at[1]), message } : undefined;
}
