// Suspicious lines of a fault localization as low-severity diagnostics (source 'loopwise-localize'), and
// the publishing that keeps them apart from the test diagnostics: a publishDiagnostics replaces everything
// the server said about a URI, so every publish for a URI carries both sets (see LayeredDiagnostics).
import { isAbsolute, resolve } from 'node:path';
import { DiagnosticSeverity, type Connection, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { ownScore, type Localization, type SuspiciousLine } from '../../../common/localize';
import { pathToUri } from './folders';

export const localizeSource = 'loopwise-localize';

/** What a suspicious-line diagnostic carries, for hovers and code actions. */
export interface SuspiciousData {
  folderPath: string;
  file: string;
  line: number;
  rank: number;
}

/** Lines shown per localization: past these the scores say little. */
const shownLines = 5;

/**
 * Wraps the connection's sendDiagnostics so that the diagnostics other features publish for a URI and the
 * localization's are sent together; each side replaces only its own layer.
 */
export class LayeredDiagnostics {
  private readonly others = new Map<string, Diagnostic[]>();
  private readonly mine = new Map<string, Diagnostic[]>();
  private readonly send: (params: PublishDiagnosticsParams) => Promise<void>;

  constructor(connection: Connection) {
    this.send = connection.sendDiagnostics.bind(connection);
    connection.sendDiagnostics = (params: PublishDiagnosticsParams) => {
      if (params.diagnostics.length) this.others.set(params.uri, params.diagnostics);
      else this.others.delete(params.uri);
      return this.send({ ...params, diagnostics: [...params.diagnostics, ...(this.mine.get(params.uri) ?? [])] });
    };
  }

  /** Replaces the localization layer of the given URIs (an empty list clears it). */
  set(uri: string, diagnostics: Diagnostic[]): void {
    if (diagnostics.length) this.mine.set(uri, diagnostics);
    else if (!this.mine.delete(uri)) return;
    void this.send({ uri, diagnostics: [...(this.others.get(uri) ?? []), ...diagnostics] });
  }
}

/** One Information diagnostic per top line (Hint past rank 1), by URI. */
export function suspiciousDiagnostics(root: string, loc: Localization, readText: (path: string) => string | undefined): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const l of loc.lines.slice(0, shownLines)) {
    const path = isAbsolute(l.file) ? l.file : resolve(root, l.file);
    const lineText = readText(path)?.split(/\r?\n|\r/)[l.line - 1];
    const data: SuspiciousData = { folderPath: root, file: l.file, line: l.line, rank: l.rank };
    const diagnostic: Diagnostic = {
      range: lineRange(l.line, lineText),
      severity: l.rank === 1 ? DiagnosticSeverity.Information : DiagnosticSeverity.Hint,
      source: localizeSource,
      code: 'suspicious',
      message: suspiciousMessage(l, lineText),
      data,
    };
    const uri = pathToUri(path);
    out.set(uri, [...(out.get(uri) ?? []), diagnostic]);
  }
  return out;
}

export function suspiciousMessage(l: SuspiciousLine, lineText?: string): string {
  const code = lineText?.trim();
  const shown = code ? `: ${code.length > 80 ? `${code.slice(0, 80)}…` : code}` : '';
  return `Suspicious line (rank ${l.rank}, score ${ownScore(l).toFixed(2)})${shown}`;
}

function lineRange(line1: number, lineText: string | undefined): Diagnostic['range'] {
  const line = Math.max(0, line1 - 1);
  if (lineText === undefined) return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
  const start = lineText.length - lineText.trimStart().length;
  return { start: { line, character: start }, end: { line, character: Math.max(start, lineText.trimEnd().length) } };
}
