// The extension's side of team telemetry: answers the server's question before every upload (VS Code telemetry
// enabled AND loopwise.team.enabled), hands over the team token from SecretStorage when asked, and the commands
// "Set Team Token" and "Upload Events Now". The token is never written to settings or logs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, TeamCommands, type TeamStatus, type TeamTokenResponse, type TeamUploadAllowedResponse } from '../../common/protocol';
import { CommandIds } from './commands';
import { askSecret } from './secretInput';

const secretKey = 'loopwise.team.token';

/** Whether events may leave the machine right now; read fresh on every call (the user may change either). */
export function uploadAllowed(): TeamUploadAllowedResponse {
  if (!vscode.env.isTelemetryEnabled) return { allowed: false, reason: 'VS Code telemetry is disabled (telemetry.telemetryLevel)' };
  if (!vscode.workspace.getConfiguration('loopwise').get<boolean>('team.enabled', false)) return { allowed: false, reason: 'loopwise.team.enabled is off' };
  return { allowed: true };
}

export function registerTeam(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    client.onRequest(Methods.teamUploadAllowed, (): TeamUploadAllowedResponse => uploadAllowed()),
    client.onRequest(Methods.teamToken, async (): Promise<TeamTokenResponse> => {
      const token = await context.secrets.get(secretKey);
      return token ? { token } : {};
    }),
    vscode.commands.registerCommand(CommandIds.setTeamToken, async () => {
      const value = await askSecret(context.secrets, {
        key: secretKey,
        what: 'team token',
        prompt: 'The token printed by `loopwise collector token create` (lwt_...). Stored in VS Code secret storage. Leave empty to remove it.',
        validate: (v) => (v.trim() === '' || /^lwt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(v.trim()) ? undefined : 'a team token looks like lwt_<16 hex>_<43 characters>'),
      });
      // A token refused before stops uploads until it changes: try again with the new one.
      if (value && client.isRunning()) await client.sendRequest('workspace/executeCommand', { command: TeamCommands.upload, arguments: [] }).catch(() => undefined);
    }),
    vscode.commands.registerCommand(CommandIds.uploadEventsNow, async () => {
      const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Loopwise: uploading events to the team collector' },
        () => client.sendRequest<TeamStatus>('workspace/executeCommand', { command: TeamCommands.upload, arguments: [] }));
      const line = describe(status);
      output.info(`team upload: ${line}`);
      const show = status.state === 'idle' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      void show(`Loopwise: ${line}`);
      return status;
    }),
  ];
}

function describe(s: TeamStatus): string {
  const counts = `${s.sent} sent, ${s.duplicates} already there, ${s.pending} queued, ${s.parked} parked${s.dropped ? `, ${s.dropped} dropped (queue full)` : ''}`;
  if (s.state === 'off') return `team uploads are off (loopwise.team.enabled); ${s.pending} events queued`;
  return `${s.message || s.state} (${counts})`;
}
