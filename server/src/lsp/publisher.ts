// Keeps the test diagnostics of each workspace folder and publishes them. A whole-folder run replaces all
// of the folder's diagnostics; a run scoped to one file replaces those of the tests it ran and of their
// test files, so earlier failures elsewhere stay visible. URIs left with nothing are cleared explicitly.
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import type { TestRunResult } from '../../../common/protocol';
import { DiagnosticBuilder, type DiagnosticsByUri, type ReadText } from './diagnostics';

interface Entry {
  /** Test file (workspace-relative) the entry belongs to; undefined for run problems. */
  file?: string;
  diagnostics: DiagnosticsByUri;
}

const problemsKey = '\0problems';

export class DiagnosticsPublisher {
  /** folder path -> test id (or problemsKey) -> entry */
  private readonly folders = new Map<string, Map<string, Entry>>();
  /** folder path -> URIs that currently hold diagnostics of that folder */
  private readonly published = new Map<string, Set<string>>();

  constructor(private readonly connection: Connection) {}

  /**
   * Records a run's results and publishes the folder's diagnostics.
   * `scopeFile` (workspace-relative) marks a run limited to the tests related to that file.
   */
  update(root: string, result: TestRunResult, readText: ReadText, scopeFile?: string): void {
    const builder = new DiagnosticBuilder(root, readText);
    let entries = this.folders.get(root);
    if (!entries || scopeFile === undefined) {
      entries = new Map();
      this.folders.set(root, entries);
    } else {
      const rerunFiles = new Set([scopeFile, ...result.tests.map((t) => t.file)]);
      for (const [id, entry] of entries) if (entry.file !== undefined && rerunFiles.has(entry.file)) entries.delete(id);
    }
    for (const t of result.tests) entries.set(t.id, { file: t.file, diagnostics: builder.forTest(t) });
    entries.set(problemsKey, { diagnostics: builder.forProblems(result.problems) });
    this.publish(root, entries);
  }

  /** Current diagnostics of a folder by URI (what was last published). */
  current(root: string): DiagnosticsByUri {
    return merge(this.folders.get(root)?.values() ?? []);
  }

  private publish(root: string, entries: Map<string, Entry>): void {
    const byUri = merge(entries.values());
    const before = this.published.get(root) ?? new Set<string>();
    for (const uri of before) {
      if (!byUri.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    for (const [uri, diagnostics] of byUri) void this.connection.sendDiagnostics({ uri, diagnostics });
    this.published.set(root, new Set(byUri.keys()));
  }
}

function merge(entries: Iterable<Entry>): DiagnosticsByUri {
  const out = new Map<string, Diagnostic[]>();
  for (const entry of entries) {
    for (const [uri, list] of entry.diagnostics) if (list.length) out.set(uri, [...(out.get(uri) ?? []), ...list]);
  }
  return out;
}
