// Debounce and staleness for inline requests: each document keeps a sequence number; a request waits a
// short pause and gives up when a newer request for the same document arrived or the client cancelled it.
import type { CancellationToken } from 'vscode-languageserver';

export class Debouncer {
  private readonly latest = new Map<string, number>();
  private seq = 0;

  constructor(private readonly delayMs: number) {}

  /** Marks a new request for `uri`; returns its ticket. */
  begin(uri: string): number {
    const ticket = ++this.seq;
    this.latest.set(uri, ticket);
    return ticket;
  }

  /** True while `ticket` is still the newest request for `uri` and not cancelled. */
  current(uri: string, ticket: number, token?: CancellationToken): boolean {
    return this.latest.get(uri) === ticket && !token?.isCancellationRequested;
  }

  /** Waits the debounce pause; false when the request went stale meanwhile. */
  async settle(uri: string, ticket: number, token?: CancellationToken): Promise<boolean> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.current(uri, ticket, token);
  }

  forget(uri: string): void {
    this.latest.delete(uri);
  }
}

/** An AbortSignal that aborts when the LSP request is cancelled. */
export function signalOf(token: CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}
