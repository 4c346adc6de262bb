// Open documents with one tree-sitter tree each, kept up to date incrementally: every LSP content change
// becomes a tree.edit() and the new text is re-parsed against the edited old tree.
// web-tree-sitter indexes and columns count UTF-16 code units, the same unit as LSP positions and JS strings.
import { Emitter, type Event } from 'vscode-languageserver';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import { createParser, grammarFor, type GrammarId } from './parser';

export interface ParsedDocument {
  readonly uri: string;
  /** Current text and version (LSP semantics: 0-based lines, UTF-16 characters). */
  readonly document: TextDocument;
  /** Undefined for languages Loopwise does not parse. */
  readonly grammar?: GrammarId;
  /**
   * The tree for the current text. It is replaced (and the old one freed) on the next change:
   * use it synchronously, never keep it across an await.
   */
  readonly tree?: Tree;
}

interface Entry {
  uri: string;
  document: TextDocument;
  grammar?: GrammarId;
  tree?: Tree;
}

/** Row/column of a UTF-16 offset, with tree-sitter's notion of a line (only '\n' ends one). */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The point reached after inserting `inserted` at `start`. */
function advance(start: Point, inserted: string): Point {
  const lastNewline = inserted.lastIndexOf('\n');
  if (lastNewline === -1) return { row: start.row, column: start.column + inserted.length };
  let newlines = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) newlines++;
  return { row: start.row + newlines, column: inserted.length - lastNewline - 1 };
}

/** The tree-sitter edit describing `change` applied to `document` (whose text is still the old one). */
export function editFor(document: TextDocument, change: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }): Edit {
  const oldText = document.getText();
  const startIndex = document.offsetAt(change.range.start);
  const oldEndIndex = Math.max(startIndex, document.offsetAt(change.range.end));
  const startPosition = pointAt(oldText, startIndex);
  return {
    startIndex,
    oldEndIndex,
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: pointAt(oldText, oldEndIndex),
    newEndPosition: advance(startPosition, change.text),
  };
}

export class DocumentStore {
  private readonly entries = new Map<string, Entry>();
  private readonly opened = new Emitter<ParsedDocument>();
  private readonly changed = new Emitter<ParsedDocument>();
  private readonly saved = new Emitter<ParsedDocument>();
  private readonly closed = new Emitter<string>();
  readonly onDidOpen: Event<ParsedDocument> = this.opened.event;
  readonly onDidChange: Event<ParsedDocument> = this.changed.event;
  readonly onDidSave: Event<ParsedDocument> = this.saved.event;
  /** Fires with the URI of a closed document. */
  readonly onDidClose: Event<string> = this.closed.event;

  private constructor(private readonly parsers: Map<GrammarId, Parser>) {}

  /** Loads every grammar up front so that opening and editing documents never waits. */
  static async create(): Promise<DocumentStore> {
    const ids: GrammarId[] = ['python', 'javascript', 'typescript', 'tsx'];
    const parsers = await Promise.all(ids.map(createParser));
    return new DocumentStore(new Map(ids.map((id, i) => [id, parsers[i]])));
  }

  get(uri: string): ParsedDocument | undefined {
    return this.entries.get(uri);
  }

  all(): ParsedDocument[] {
    return [...this.entries.values()];
  }

  open(uri: string, languageId: string, version: number, text: string): ParsedDocument {
    this.dropTree(uri);
    const document = TextDocument.create(uri, languageId, version, text);
    const grammar = grammarFor(languageId) ?? grammarFor(uriPath(uri));
    const entry: Entry = { uri, document, grammar };
    entry.tree = this.parseFresh(entry);
    this.entries.set(uri, entry);
    this.opened.fire(entry);
    return entry;
  }

  /** Applies LSP content changes in order; undefined when the document is not open. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): ParsedDocument | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    let fullReplace = false;
    for (const change of changes) {
      if ('range' in change && entry.tree) entry.tree.edit(editFor(entry.document, change));
      else fullReplace = true;
      entry.document = TextDocument.update(entry.document, [change], version);
    }
    if (fullReplace) {
      entry.tree?.delete();
      entry.tree = this.parseFresh(entry);
    } else if (entry.tree) {
      const old = entry.tree;
      entry.tree = this.parser(entry)?.parse(entry.document.getText(), old) ?? undefined;
      old.delete();
    }
    this.changed.fire(entry);
    return entry;
  }

  save(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry) this.saved.fire(entry);
  }

  close(uri: string): void {
    if (!this.entries.has(uri)) return;
    this.dropTree(uri);
    this.entries.delete(uri);
    this.closed.fire(uri);
  }

  private parser(entry: Entry): Parser | undefined {
    return entry.grammar ? this.parsers.get(entry.grammar) : undefined;
  }

  private parseFresh(entry: Entry): Tree | undefined {
    return this.parser(entry)?.parse(entry.document.getText()) ?? undefined;
  }

  private dropTree(uri: string): void {
    this.entries.get(uri)?.tree?.delete();
  }
}

function uriPath(uri: string): string {
  const q = uri.search(/[?#]/);
  return q === -1 ? uri : uri.slice(0, q);
}
