// The workspace folders the client opened (from initialize, then workspace/didChangeWorkspaceFolders),
// and which folder a file belongs to. Folders are compared as file-system paths, so URI spelling
// differences between clients (percent-encoding, drive-letter case) do not matter.
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { InitializeParams, WorkspaceFolder, WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';

export interface Folder {
  /** The URI exactly as the client sent it (echo this one back to the client). */
  uri: string;
  name: string;
  /** Absolute file-system path. */
  path: string;
}

/** File-system path of a file:// URI; undefined for other schemes (untitled:, vscode-notebook-cell:, ...). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

export class WorkspaceFolders {
  private folders: Folder[] = [];
  private ask?: () => Promise<WorkspaceFolder[] | null>;

  /** Reads workspaceFolders, or the older rootUri/rootPath, from the initialize request. */
  initialize(params: InitializeParams): void {
    if (params.workspaceFolders?.length) {
      for (const f of params.workspaceFolders) this.add(f.uri, f.name);
    } else if (params.rootUri) {
      this.add(params.rootUri);
    } else if (params.rootPath) {
      this.add(pathToUri(params.rootPath));
    }
  }

  change(event: WorkspaceFoldersChangeEvent): void {
    for (const f of event.removed) {
      const path = uriToPath(f.uri);
      this.folders = this.folders.filter((x) => x.path !== path);
    }
    for (const f of event.added) this.add(f.uri, f.name);
  }

  /** How to ask the client for its current folders, once it has said it can answer. */
  askClientWith(ask: () => Promise<WorkspaceFolder[] | null>): void {
    this.ask = ask;
  }

  /**
   * folderFor, asking the client for its folders once when none contains the file: a command may arrive
   * just before the didChangeWorkspaceFolders notification of a folder the user has just added.
   */
  async resolve(uri: string): Promise<Folder | undefined> {
    const known = this.folderFor(uri);
    if (known || !this.ask) return known;
    const current = await this.ask().catch(() => null);
    for (const f of current ?? []) this.add(f.uri, f.name);
    return this.folderFor(uri);
  }

  all(): readonly Folder[] {
    return this.folders;
  }

  /** The innermost folder containing the file (or equal to it). */
  folderFor(uri: string): Folder | undefined {
    const path = uriToPath(uri);
    if (!path) return undefined;
    let best: Folder | undefined;
    for (const f of this.folders) {
      const inside = path === f.path || path.startsWith(f.path.endsWith(sep) ? f.path : f.path + sep);
      if (inside && (!best || f.path.length > best.path.length)) best = f;
    }
    return best;
  }

  private add(uri: string, name?: string): void {
    const path = uriToPath(uri);
    if (!path || this.folders.some((f) => f.path === path)) return;
    this.folders.push({ uri, name: name ?? path.split(sep).pop() ?? path, path });
  }
}
