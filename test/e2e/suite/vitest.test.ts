// A real Vitest 3 project (TypeScript, installed from npm by run.mjs) in a real VS Code: its failing test shows
// as failed in the Testing view, Ctrl+. on the bug line offers "Find a verified fix", and the fix the search
// verified is applied from the light bulb's "Apply verified fix", changing exactly the wrong operator.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { RepairResult } from '../../../common/protocol';
import type { LoopwiseApi } from '../../../extension/src/extension';
import { lineOf, screenshot, waitFor } from './util';

const findTitle = 'Find a verified fix (Loopwise)';
const actionsAt = (uri: vscode.Uri, line: number) =>
  vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(line, 0, line, 0));

describe('A Vitest project in a real VS Code', function () {
  this.timeout(240000);
  let api: LoopwiseApi;
  let folder: vscode.WorkspaceFolder;

  before(async () => {
    api = await vscode.extensions.getExtension<LoopwiseApi>('loopwise.loopwise')!.activate();
    const fixture = process.env.LOOPWISE_E2E_VITEST;
    const modules = process.env.LOOPWISE_E2E_VITEST_MODULES;
    if (!fixture || !modules || !existsSync(modules)) throw new Error('LOOPWISE_E2E_VITEST(_MODULES) not set or missing: run these tests through test/e2e/run.mjs');
    const dir = join(dirname(vscode.workspace.workspaceFile?.fsPath ?? tmpdir()), 'vitest shapes');
    cpSync(fixture, dir, { recursive: true });
    symlinkSync(modules, join(dir, 'node_modules'));
    const count = vscode.workspace.workspaceFolders?.length ?? 0;
    assert.ok(vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(dir), name: 'vitest shapes' }));
    folder = await waitFor('workspace folder vitest shapes', () => vscode.workspace.workspaceFolders?.find((f) => f.name === 'vitest shapes'));
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows the failing Vitest test in the Testing view and applies the verified fix from the light bulb', async () => {
    let run = await api.runTests(folder);
    for (let retry = 0; !run && retry < 2; retry++) run = await api.runTests(folder);
    assert.ok(run, 'the test run returned nothing');
    assert.equal(run.framework, 'vitest');
    assert.deepEqual(run.tests.filter((t) => t.status === 'failed').map((t) => t.name), ['shapes > perimeter']);

    const testFile = api.testController.items.get(`${folder.uri.toString()}/test/shapes.test.ts`);
    assert.ok(testFile, `test/shapes.test.ts is not in the Testing view: ${[...(api.shownResults(folder.uri.toString())?.keys() ?? [])].join(', ')}`);
    const items: vscode.TestItem[] = [];
    const collect = (i: vscode.TestItem) => { items.push(i); i.children.forEach(collect); };
    testFile.children.forEach(collect);
    const perimeter = items.find((t) => t.label.includes('perimeter'));
    assert.ok(perimeter, `no perimeter test among ${items.map((t) => t.label).join(', ')}`);
    const shown = api.shownResults(folder.uri.toString());
    assert.equal(shown?.get(perimeter.id), 'failed');
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    await vscode.commands.executeCommand('vscode.revealTestInExplorer', perimeter);
    await screenshot('vitest-testing-view');

    const source = vscode.Uri.joinPath(folder.uri, 'src', 'shapes.ts');
    const doc = await vscode.workspace.openTextDocument(source);
    await vscode.window.showTextDocument(doc, { preview: false });
    const bugLine = await lineOf(source, 'r.width - r.height');
    const find = await waitFor(`"${findTitle}" at src/shapes.ts:${bugLine + 1}`, async () => (await actionsAt(source, bugLine)).find((a) => a.title === findTitle), 60000);
    const result = await vscode.commands.executeCommand<RepairResult>(find.command!.command, ...(find.command!.arguments ?? []));
    const actions = await actionsAt(source, bugLine);
    const apply = actions.find((a) => a.title.startsWith('Apply verified fix'));
    assert.ok(apply?.edit, `no verified fix after the search (${result.status}: ${result.message ?? ''}); actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.match(apply.title, /perimeter/);
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(apply.edit));
    assert.equal(doc.getText(), before.replace('2 * (r.width - r.height)', '2 * (r.width + r.height)'));
    assert.ok(await doc.save());
    assert.match(readFileSync(source.fsPath, 'utf8'), /return 2 \* \(r\.width \+ r\.height\);/);
    await screenshot('vitest-fixed');

    const again = await api.runTests(folder);
    assert.deepEqual(again?.tests.map((t) => t.status), ['passed', 'passed', 'passed']);
  });
});
