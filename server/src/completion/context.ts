// Step 1 of the inline-completion pipeline: the cursor context cut from the document (prompt windows for the
// model, the shorter prefix/suffix the event schema stores) and the single-line/multi-line decision.
import type { EventContext } from '../../../common/events';
import { eventContext } from '../../../common/protocol';

/** Characters of prompt context sent to the model on each side of the cursor. */
export const PROMPT_PREFIX_CHARS = 4000;
export const PROMPT_SUFFIX_CHARS = 1500;

export interface CursorContext {
  lang: string;
  prefix: string;
  suffix: string;
  /** What a `requested`/`shown` event records about the context (before the privacy level is applied). */
  event: EventContext;
  multiline: boolean;
}

export function cursorContext(text: string, offset: number, lang: string): CursorContext {
  const prefix = text.slice(Math.max(0, offset - PROMPT_PREFIX_CHARS), offset);
  const suffix = text.slice(offset, offset + PROMPT_SUFFIX_CHARS);
  return {
    lang, prefix, suffix,
    event: eventContext(text, offset, lang),
    multiline: wantsMultiline(prefix, suffix, lang),
  };
}

/**
 * Multi-line suggestions only where a block body is expected: the cursor is on an otherwise empty line and the
 * previous non-blank line opens a block (Python ':'; '{' '(' '[' or '=>' elsewhere). Anywhere else a
 * suggestion finishes the current line: long suggestions mid-line are the ones users reject most.
 */
export function wantsMultiline(prefix: string, suffix: string, lang: string): boolean {
  const lineStart = prefix.lastIndexOf('\n') + 1;
  if (prefix.slice(lineStart).trim() !== '') return false;
  const lineEnd = suffix.indexOf('\n');
  if ((lineEnd < 0 ? suffix : suffix.slice(0, lineEnd)).trim() !== '') return false;
  const before = prefix.slice(0, Math.max(0, lineStart - 1)).trimEnd();
  const lastLine = before.slice(before.lastIndexOf('\n') + 1);
  const code = lang === 'python' ? lastLine.replace(/\s+#.*$/, '') : lastLine.replace(/\s+\/\/.*$/, '');
  if (lang === 'python') return code.endsWith(':');
  return /(\{|\(|\[|=>)$/.test(code);
}
