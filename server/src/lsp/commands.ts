// workspace/executeCommand for every feature: features register command ids with handlers, and the
// ids are advertised in executeCommandProvider. Editors without Loopwise-specific client code (Neovim,
// Helix) reach the server's actions this way. Ids avoid the VS Code extension's own command ids.
import {
  LSPErrorCodes, ResponseError,
  type CancellationToken, type Connection, type ExecuteCommandParams, type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';

export type CommandHandler = (args: unknown[], token: CancellationToken, progress: WorkDoneProgressReporter) => Promise<unknown>;

export class CommandRegistry {
  private readonly handlers = new Map<string, CommandHandler>();

  register(id: string, handler: CommandHandler): void {
    if (this.handlers.has(id)) throw new Error(`command ${id} is registered twice`);
    this.handlers.set(id, handler);
  }

  ids(): string[] {
    return [...this.handlers.keys()];
  }

  listen(connection: Connection): void {
    connection.onExecuteCommand((params: ExecuteCommandParams, token, progress) => {
      const handler = this.handlers.get(params.command);
      if (!handler) throw new ResponseError(LSPErrorCodes.RequestFailed, `unknown command ${params.command}; Loopwise has ${this.ids().join(', ')}`);
      return handler(params.arguments ?? [], token, progress);
    });
  }
}
