// How server features plug in: each one declares the capabilities it adds and registers its own handlers.
// server.ts lists the features; shared state (documents, folders, settings) comes in the ServerContext.
import type { ClientCapabilities, Connection, ServerCapabilities } from 'vscode-languageserver/node';
import type { DocumentStore } from '../parse/documents';
import type { CommandRegistry } from './commands';
import type { ResultStore } from './results';
import type { WorkspaceFolders } from './folders';
import type { SettingsStore } from './settings';

export interface ServerContext {
  readonly connection: Connection;
  /** Open documents with their syntax trees; subscribe to onDidOpen/onDidChange/onDidSave/onDidClose. */
  readonly documents: DocumentStore;
  readonly folders: WorkspaceFolders;
  readonly settings: SettingsStore;
  /** workspace/executeCommand handlers; registered ids are advertised in executeCommandProvider. */
  readonly commands: CommandRegistry;
  /** Latest test results per folder (filled by the test-run feature); diagnostics carry data.testId into it. */
  readonly results: ResultStore;
  /** What the client declared in initialize (empty until then). */
  readonly client: () => ClientCapabilities;
}

/**
 * A server feature. The connection's single-handler notifications (initialize, initialized, text document
 * sync, configuration and workspace-folder changes) belong to server.ts: features use the context's
 * events for those and register only their own requests and notifications.
 */
export interface Feature {
  readonly name: string;
  /** Capabilities this feature adds to the initialize result. */
  capabilities?(client: ClientCapabilities): ServerCapabilities;
  /** Registers handlers; called once while handling initialize (grammars loaded, folders known). */
  register(connection: Connection, ctx: ServerContext): void;
  /** Called after the client's `initialized` notification (e.g. for dynamic registrations). */
  initialized?(): void | Promise<void>;
  /** Called on the client's shutdown request: stop work and release processes. */
  shutdown?(): Promise<void>;
  /** Synchronous last cleanup when the process exits (also without shutdown, e.g. the client died). */
  dispose?(): void;
}

/** Merges capability fragments; later features add to, never silently drop, earlier ones. */
export function mergeCapabilities(base: ServerCapabilities, ...parts: ServerCapabilities[]): ServerCapabilities {
  const out: Record<string, unknown> = { ...base };
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const prev = out[key];
      if (isPlainObject(prev) && isPlainObject(value)) out[key] = mergeCapabilities(prev as ServerCapabilities, value as ServerCapabilities);
      else if (Array.isArray(prev) && Array.isArray(value)) out[key] = [...new Set([...prev, ...value])];
      else out[key] = value;
    }
  }
  return out as ServerCapabilities;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
