// Splits a model's reply into its explanation and its code, whatever shape the model chose: fenced blocks
// (the whole file or only the changed functions, possibly after the buggy original), a unified diff, or
// code without fences. Which file a block is for is taken from the fence's info string, the line above the
// fence, or a leading "# file:" comment.

export interface CodeBlock {
  lang: string;
  /** File the block says it is for, when it says so. */
  file?: string;
  code: string;
}

export interface ParsedReply {
  /** The model's account of the bug: the prose before its code. */
  explanation: string;
  /** Code blocks in reply order (a later block supersedes an earlier one for the same function). */
  blocks: CodeBlock[];
  /** Unified diffs. */
  diffs: string[];
}

const fileName = /(?:^|[\s`*'"(:=])((?:[\w.-]+\/)*[\w.-]+\.(?:py|js|mjs|cjs|ts|tsx|jsx))\b/;
const fence = /^([ \t]*)(`{3,}|~{3,})[ \t]*([^\n]*)\n/gm;

function isDiff(lang: string, code: string): boolean {
  return /^(diff|patch|udiff)$/i.test(lang) || (/^@@ [-+\d, ]+ @@/m.test(code) && /^(---|\+\+\+) /m.test(code));
}

function fileHint(info: string, lineAbove: string, code: string): string | undefined {
  const fromInfo = info.match(/(?:title|file|filename|path)\s*[=:]\s*"?([^\s"]+)"?/i)?.[1] ?? info.match(/^[\w+-]*[: ]\s*([\w./-]+\.\w+)\s*$/)?.[1]
    ?? (/^[\w./-]+\.\w+$/.test(info) ? info : undefined);
  if (fromInfo) return fromInfo;
  const firstLine = code.split('\n', 1)[0];
  const fromComment = firstLine.match(/^\s*(?:#|\/\/)\s*(?:file(?:name)?\s*:\s*)?((?:[\w.-]+\/)*[\w.-]+\.(?:py|js|mjs|cjs|ts|tsx|jsx))\s*$/i)?.[1];
  if (fromComment) return fromComment;
  return lineAbove.trim() ? lineAbove.match(fileName)?.[1] : undefined;
}

export function parseReply(raw: string): ParsedReply {
  // Reasoning models think aloud (with drafts of code) before answering: only the answer counts.
  const text = raw.replace(/<think>[\s\S]*?(<\/think>|$)/g, '');
  const blocks: CodeBlock[] = [];
  const diffs: string[] = [];
  const prose: string[] = [];
  let last = 0;
  fence.lastIndex = 0;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const [, indent, marker, infoRaw] = m;
    const bodyStart = m.index + m[0].length;
    const close = new RegExp(`^[ \\t]*${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`, 'm');
    const rest = text.slice(bodyStart);
    const end = rest.search(close);
    // An unterminated fence (reply cut at max tokens) runs to the end of the reply.
    const body = end < 0 ? rest : rest.slice(0, end);
    const before = text.slice(last, m.index);
    prose.push(before);
    const lineAbove = before.trimEnd().split('\n').pop() ?? '';
    const code = dedent(body.split('\n').map((l) => (indent && l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n')).replace(/\s+$/, '') + '\n';
    const info = infoRaw.trim();
    const lang = info.split(/[\s:{]/)[0] ?? '';
    if (/^(markdown|md)$/i.test(lang)) {
      // The whole answer wrapped in a markdown fence: its inner blocks are the code.
      const inner = parseReply(body);
      blocks.push(...inner.blocks);
      diffs.push(...inner.diffs);
    } else if (isDiff(lang, code)) diffs.push(code);
    else if (code.trim()) blocks.push({ lang, file: fileHint(info, lineAbove, code), code });
    if (end < 0) { last = text.length; break; }
    const closeLine = rest.slice(end).match(/^[^\n]*\n?/)?.[0] ?? '';
    last = bodyStart + end + closeLine.length;
    fence.lastIndex = last;
  }
  prose.push(text.slice(last));
  if (!blocks.length && !diffs.length) return { explanation: text.trim(), ...unfenced(text) };
  return { explanation: tidy(prose[0].trim() ? prose[0] : prose.join('\n')), blocks, diffs };
}

/** Code a model wrote without fences: a diff, or definitions from the first `def`/`function`/`class` line on. */
function unfenced(text: string): { blocks: CodeBlock[]; diffs: string[] } {
  const diffStart = text.search(/^(--- |diff --git |@@ )/m);
  if (diffStart >= 0 && isDiff('', text.slice(diffStart))) return { blocks: [], diffs: [text.slice(diffStart)] };
  const codeStart = text.search(/^(?:async\s+)?(?:def |class |function |export (?:default )?(?:async )?function |(?:const|let|var) \w+\s*=\s*(?:async\s*)?(?:\(|function))/m);
  if (codeStart < 0) return { blocks: [], diffs: [] };
  return { blocks: [{ lang: '', code: text.slice(codeStart).replace(/\s+$/, '') + '\n' }], diffs: [] };
}

function tidy(explanation: string): string {
  const t = explanation.replace(/\n{3,}/g, '\n\n').trim();
  return t.length > 4000 ? t.slice(0, 4000) + ' ...' : t;
}

/** Removes the indentation common to all non-blank lines (a method copied out of its class). */
export function dedent(code: string): string {
  const lines = code.split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)![0].length);
  const n = indents.length ? Math.min(...indents) : 0;
  return n ? lines.map((l) => l.slice(Math.min(n, l.match(/^[ \t]*/)![0].length))).join('\n') : code;
}
