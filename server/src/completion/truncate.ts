// Step 3 of the inline-completion pipeline: cut the model's text to what should be offered. Single-line
// suggestions end at the first line break; multi-line ones end where the block ends (a dedent below the
// first line) and are then shortened to the longest whole-line prefix that keeps the document parsing at least
// as well as without the suggestion (tree-sitter, injected as `errors` so the step stays pure and testable).
// Text that repeats what already follows the cursor on the same line is dropped.

/** Number of syntax errors in a document text (tree-sitter ERROR/MISSING nodes). */
export type ErrorCounter = (text: string) => number;

export interface TruncateInput {
  text: string;
  prefix: string;
  suffix: string;
  multiline: boolean;
  /** Absent for languages without a grammar: only the lexical cuts apply. */
  errors?: ErrorCounter;
}

export function truncateSuggestion(input: TruncateInput): string {
  let text = input.text.replace(/\r\n/g, '\n');
  if (!input.multiline) {
    text = firstLine(text, input.prefix);
    return dropSuffixOverlap(text, input.suffix).trimEnd();
  }
  text = cutAtDedent(text, input.prefix).trimEnd();
  if (input.errors) text = cutAtSyntaxBoundary(text, input.prefix, input.suffix, input.errors);
  return text;
}

/** The rest of the current line (a suggestion starting with a line break at a non-empty line offers nothing). */
function firstLine(text: string, prefix: string): string {
  const atEmptyLine = prefix.slice(prefix.lastIndexOf('\n') + 1).trim() === '';
  const body = atEmptyLine ? text.replace(/^\n+/, '') : text;
  const nl = body.indexOf('\n');
  return nl < 0 ? body : body.slice(0, nl);
}

/** Closing characters the suffix already has right after the cursor are not suggested twice. */
export function dropSuffixOverlap(text: string, suffix: string): string {
  const rest = suffix.slice(0, suffix.indexOf('\n') < 0 ? suffix.length : suffix.indexOf('\n')).trimEnd();
  if (!rest) return text;
  for (let k = Math.min(rest.length, text.length); k > 0; k--) {
    if (text.endsWith(rest.slice(0, k)) && rest.slice(0, k).trim()) return text.slice(0, text.length - k);
  }
  return text;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** Lines after the first non-blank one stay while indented at least as deep as it (the block's body). */
export function cutAtDedent(text: string, prefix: string): string {
  const lines = text.split('\n');
  const linePrefix = prefix.slice(prefix.lastIndexOf('\n') + 1);
  let bodyIndent = -1;
  const kept: string[] = [];
  for (const [i, line] of lines.entries()) {
    const indent = i === 0 ? linePrefix.length + indentOf(line) : indentOf(line);
    if (line.trim() === '') { kept.push(line); continue; }
    if (bodyIndent < 0) bodyIndent = indent;
    else if (indent < bodyIndent) break;
    kept.push(line);
  }
  return kept.join('\n');
}

/**
 * The longest prefix of whole lines after which the document has no more syntax errors than without the
 * suggestion. Falls back to the first line when no cut does (the model's text does not fit here).
 */
export function cutAtSyntaxBoundary(text: string, prefix: string, suffix: string, errors: ErrorCounter): string {
  const baseline = errors(prefix + suffix);
  const lines = text.split('\n');
  for (let n = lines.length; n >= 1; n--) {
    const candidate = lines.slice(0, n).join('\n').trimEnd();
    if (!candidate) continue;
    const sep = suffix.startsWith('\n') || suffix === '' ? '' : '\n';
    if (errors(prefix + candidate + sep + suffix) <= baseline) return candidate;
  }
  return lines[0].trimEnd();
}
