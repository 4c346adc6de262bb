// What only a real VS Code shows of Loopwise's assistance: the verified fix as a code action and a diff
// preview, inline suggestions from a (fake) model accepted through the editor and recorded as events, and
// tutor mode's hint panel in place of fixes. Runs after extension.test.ts in the same workbench.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { CommandIds } from '../../../extension/src/commands';
import type { LoopwiseApi } from '../../../extension/src/extension';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { lineOf, screenshot, sleep, waitFor, workspaceFolder } from './util';

const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);

/** Adds a copy of the fixture folder LOOPWISE_E2E_FIXTURE (set by run.mjs) as a workspace folder. */
async function addFixtureFolder(name: string): Promise<vscode.WorkspaceFolder> {
  const fixture = process.env.LOOPWISE_E2E_FIXTURE;
  if (!fixture || !existsSync(fixture)) throw new Error('LOOPWISE_E2E_FIXTURE is not set or missing: run these tests through test/e2e/run.mjs');
  const dir = join(dirname(vscode.workspace.workspaceFile?.fsPath ?? tmpdir()), name);
  cpSync(fixture, dir, { recursive: true });
  const count = vscode.workspace.workspaceFolders?.length ?? 0;
  assert.ok(vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(dir), name }));
  return waitFor(`workspace folder ${name}`, () => vscode.workspace.workspaceFolders?.find((f) => f.name === name));
}

/** The extension's event store (events.jsonl under its globalStorage), searched in the harness's state dir. */
function findEventsFile(): string | undefined {
  const walk = (dir: string, depth: number): string | undefined => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return undefined; }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isFile() && e.name === 'events.jsonl' && path.includes('loopwise.loopwise')) return path;
      if (e.isDirectory() && depth > 0) {
        const found = walk(path, depth - 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(dirname(tmpdir()), 7);
}

describe('Loopwise assistance in a real VS Code', () => {
  let api: LoopwiseApi;
  before(async () => {
    api = await vscode.extensions.getExtension<LoopwiseApi>('loopwise.loopwise')!.activate();
  });

  it('finds a verified fix, previews it in a diff editor and applies it from the code action', async () => {
    const folder = await addFixtureFolder('python-average');
    const source = vscode.Uri.joinPath(folder.uri, 'average.py');
    const doc = await vscode.workspace.openTextDocument(source);
    await vscode.window.showTextDocument(doc);
    const divisionLine = await lineOf(source, 'return total / len(values)');

    // The language server learns of the added folder a moment later: until then the command refuses it.
    await waitFor('the fix command to accept the new folder', async () => {
      try {
        await vscode.commands.executeCommand('loopwise.server.fix', folder.uri.toString(), 30);
        return true;
      } catch (e) {
        if (!/not inside a workspace folder/.test((e as Error).message)) throw e;
        return false;
      }
    });
    const suspicious = await waitFor('a loopwise-localize diagnostic on the division', () =>
      vscode.languages.getDiagnostics(source).find((d) => d.source === 'loopwise-localize' && d.range.start.line === divisionLine));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', source, suspicious.range);
    const apply = actions.find((a) => a.title.startsWith('Apply verified fix'));
    assert.ok(apply?.edit, `no "Apply verified fix" among ${actions.map((a) => a.title).join(' | ')}`);
    assert.match(apply.title, /makes \d+ tests? pass: .*test_no_values_is_zero/);

    const preview = actions.find((a) => a.title.startsWith('Preview verified fix'));
    assert.ok(preview?.command, 'no "Preview verified fix" action');
    void vscode.commands.executeCommand(preview.command.command, ...(preview.command.arguments ?? []));
    const tab = await waitFor('a diff tab of the fix', () => allTabs().find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'loopwise-fix'));
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.fsPath, source.fsPath, 'the diff compares against average.py');
    const fixed = (await vscode.workspace.openTextDocument(input.modified)).getText();
    assert.notEqual(fixed, doc.getText(), 'the previewed fix changes nothing');
    await screenshot('fix-preview');

    assert.ok(await vscode.workspace.applyEdit(apply.edit));
    assert.equal(doc.getText(), fixed, 'the applied edit is what the preview showed');
    assert.ok(await doc.save()); // loopwise.runOnSave (the demo workspace's setting) runs the tests again
    const shown = await waitFor('both tests of the fixed project shown as passed', () => {
      const statuses = [...(api.shownResults(folder.uri.toString())?.values() ?? [])];
      return statuses.length === 2 && statuses.every((s) => s === 'passed') ? statuses : undefined;
    }, 45000);
    assert.deepEqual(shown, ['passed', 'passed']);
    await waitFor('the suspicious-line diagnostic to go away', () =>
      !vscode.languages.getDiagnostics(source).some((d) => d.source === 'loopwise-localize'), 30000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  describe('with a model configured', () => {
    let fake: FakeOpenAI;
    const llm = () => vscode.workspace.getConfiguration('loopwise');
    before(async () => {
      fake = await startFakeOpenAI({ script: () => ({ content: 'a + b' }) });
      await llm().update('llm.baseUrl', fake.url, vscode.ConfigurationTarget.Global);
      await llm().update('llm.models.completion', 'coder', vscode.ConfigurationTarget.Global);
      await llm().update('gate.keepRate', 1, vscode.ConfigurationTarget.Global);
    });
    after(async () => {
      for (const key of ['llm.baseUrl', 'llm.models.completion', 'gate.keepRate']) await llm().update(key, undefined, vscode.ConfigurationTarget.Global);
      await fake?.close();
    });

    it('shows the model\'s inline suggestion, inserts it on Tab and records the acceptance', async () => {
      const file = vscode.Uri.joinPath(workspaceFolder('python-cart').uri, 'adder.py');
      writeFileSync(file.fsPath, 'def add(a, b):\n    return \n');
      const doc = await vscode.workspace.openTextDocument(file);
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(1, 11, 1, 11);
      // The server picks up the settings on its own schedule: trigger again until the model is asked.
      await waitFor('a completion request to the fake model', async () => {
        await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
        await sleep(500);
        return fake.generations().length > 0;
      });
      await sleep(1000);
      await screenshot('inline-suggestion');
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      await waitFor('the suggestion in the document', () => doc.lineAt(1).text === '    return a + b', 10000);
      type Event = { type: string; kind: string; sid: string };
      const events = await waitFor('an accepted event in the event store', () => {
        const file = findEventsFile();
        const all = file ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event) : [];
        return all.some((e) => e.type === 'accepted') ? all : undefined;
      }, 15000);
      const accepted = events.find((e) => e.type === 'accepted')!;
      assert.equal(accepted.kind, 'completion');
      assert.ok(events.some((e) => e.type === 'shown' && e.sid === accepted.sid), 'the accepted suggestion has no "shown" event before it');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  describe('in tutor mode', () => {
    before(() => vscode.workspace.getConfiguration('loopwise').update('mode', 'tutor', vscode.ConfigurationTarget.Global));
    after(() => vscode.workspace.getConfiguration('loopwise').update('mode', undefined, vscode.ConfigurationTarget.Global));

    it('"Get a hint" opens the hint panel and no verified fix is offered', async () => {
      const folder = workspaceFolder('python-average');
      const source = vscode.Uri.joinPath(folder.uri, 'average.py');
      // Put the bug back so there is something to hint at.
      writeFileSync(source.fsPath, readFileSync(join(process.env.LOOPWISE_E2E_FIXTURE!, 'average.py'), 'utf8'));
      await vscode.window.showTextDocument(source);
      await vscode.commands.executeCommand(CommandIds.showHint);
      const panel = await waitFor('the hint panel tab', () => allTabs().find((t) => t.input instanceof vscode.TabInputWebview && /hint/i.test(t.label)));
      assert.match(panel.label, /hint/i);
      await sleep(3000); // the panel asks the server for its hint
      await screenshot('tutor-hint');

      const line = await lineOf(source, 'return total / len(values)');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', source, new vscode.Range(line, 0, line, 0));
      assert.ok(!actions.some((a) => /verified fix/i.test(a.title)), `tutor mode offers ${actions.map((a) => a.title).join(' | ')}`);
    });
  });
});
