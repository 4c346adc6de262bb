// Team telemetry through LSP: the built server queues the events the client reports, asks the client before
// every upload whether telemetry allows it and for the token, uploads (noCode) to the REAL collector on
// loopwise.server.teamUpload, and hands the team's gate model to the client as a loopwise/gateModel notification.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Methods, TeamCommands, type GateModelNotification, type TeamStatus, type TeamUploadAllowedResponse } from '../../common/protocol';
import { defaultModelPath } from '../../server/src/gate/default';
import { codeEvents, collector, stored, teamToken, tempDir, type Collector } from '../unit/team/helpers';
import { ensureBuilt, TestClient, uriOf } from './client';

describe('lsp: team uploads and the team model', function () {
  this.timeout(60000);
  let client: TestClient | undefined;
  let c: Collector | undefined;
  let dir = '';

  before(() => ensureBuilt());
  beforeEach(() => { dir = tempDir('lsp'); });
  afterEach(async () => {
    await client?.stop();
    await c?.running.close();
    client = c = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads reported events without code only while the client allows it, and gates with the team model', async () => {
    c = await collector(join(dir, 'collector.db'));
    const { token, teamId } = await teamToken(c);
    await c.storage.saveModel(teamId, { model: readFileSync(defaultModelPath(), 'utf8'), etag: '"team-1"', trainedAt: Date.now(), decisions: 1234 });

    client = new TestClient();
    client.settings = { events: { privacy: 'all' }, team: { enabled: true, endpoint: c.url, privacy: 'noCode', useTeamModel: true } };
    let telemetry = true;
    let asked = 0;
    client.connection.onRequest(Methods.teamUploadAllowed, (): TeamUploadAllowedResponse => { asked++; return telemetry ? { allowed: true } : { allowed: false, reason: 'VS Code telemetry is disabled' }; });
    client.connection.onRequest(Methods.teamToken, () => ({ token }));
    await client.connection.sendRequest('initialize', {
      processId: process.pid, rootUri: uriOf(dir), workspaceFolders: [{ uri: uriOf(dir), name: 'w' }],
      capabilities: { workspace: { configuration: true }, experimental: { loopwiseInline: { storageDir: join(dir, 'events') } } },
    });
    await client.connection.sendNotification('initialized', {});

    await client.waitFor('the team model', () => client!.notifications.some((n) => n.method === Methods.gateModel && (n.params as GateModelNotification).source === 'team'));
    const note = client.notifications.filter((n) => n.method === Methods.gateModel).pop()!.params as GateModelNotification;
    assert.equal(note.model.trainedOn.decisions, JSON.parse(readFileSync(defaultModelPath(), 'utf8')).trainedOn.decisions);

    const upload = () => client!.connection.sendRequest<TeamStatus>('workspace/executeCommand', { command: TeamCommands.upload, arguments: [] });
    const first = codeEvents(5);
    await client.connection.sendNotification(Methods.events, { events: first });
    const s = await upload();
    assert.equal(s.state, 'idle', s.message);
    assert.equal(s.sent, 5);
    assert.equal(s.model?.etag, '"team-1"');
    const got = await stored(c, teamId);
    assert.deepEqual(got.map((e) => e.id).sort(), first.map((e) => e.id).sort());
    assert.doesNotMatch(JSON.stringify(got), /SECRET/);
    assert.ok(asked >= 1);

    telemetry = false;
    const askedBefore = asked;
    await client.connection.sendNotification(Methods.events, { events: codeEvents(3) });
    const off = await upload();
    assert.equal(off.state, 'notAllowed');
    assert.match(off.message, /telemetry is disabled/);
    assert.equal(off.pending, 3);
    assert.ok(asked > askedBefore, 'asked again before this upload');
    assert.equal((await stored(c, teamId)).length, 5);

    telemetry = true;
    const on = await upload();
    assert.equal(on.pending, 0);
    assert.equal((await stored(c, teamId)).length, 8);

    const logged = client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => JSON.stringify(n.params)).join('\n') + client.stderr.join('');
    assert.ok(!logged.includes(token.slice(token.indexOf('_', 4) + 1)), 'the token appears in the server log');
  });
});
