// What a user sees in a real VS Code with Loopwise and the demo workspace (five buggy projects): the walkthrough
// on the first start, diagnostics on failing lines after "Run All Tests", the Testing view's counts, per-file
// runs (also with a webview focused), run on save, what the Output channel logs, the export dialog's default.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TestRunResult } from '../../../common/protocol';
import type { LoopwiseApi } from '../../../extension/src/extension';
import { diagnosticAt, lineOf, queryDom, screenshot, sleep, waitFor, workspaceFolder } from './util';

const failingOf = (r: TestRunResult) => r.summary.failed + r.summary.errors + r.summary.timedOut;

describe('Loopwise in a real VS Code', () => {
  let api: LoopwiseApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<LoopwiseApi>('loopwise.loopwise');
    assert.ok(ext, 'the extension loopwise.loopwise is not installed in this VS Code');
    api = await ext.activate();
  });

  it('activates, starts its language server and registers its commands', async () => {
    assert.ok(vscode.extensions.getExtension('loopwise.loopwise')?.isActive);
    assert.ok(api.activationMs > 0, 'activation time was not measured');
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['loopwise.runFileTests', 'loopwise.runWorkspaceTests']) assert.ok(commands.includes(id), `${id} is not registered`);
    const log = await waitFor('the Output channel\'s log file', () => existsSync(api.outputLog.fsPath) && /activated: language server ready/.test(readFileSync(api.outputLog.fsPath, 'utf8')));
    assert.ok(log);
  });

  it('opens its walkthrough on the first start, with the four steps', async () => {
    const steps = ['Run the Tests', 'Find a Verified Fix', 'Try Tutor Mode', 'Set a Model'];
    const shown = await waitFor('the Loopwise walkthrough in the editor area', async () => {
      const [editor] = await queryDom('.part.editor');
      return editor?.text.includes('Get Started with Loopwise') && steps.every((t) => editor.text.includes(t)) ? editor : undefined;
    });
    assert.ok(shown);
    await screenshot('walkthrough');
    // Closed again, so the later tests' editors and tabs are what they open themselves.
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Walkthrough'));
    assert.ok(tab, 'no walkthrough tab');
    assert.ok(await vscode.window.tabGroups.close(tab));
  });

  let workspaceCounts: { passed: number; failing: number };

  it('"Run All Tests" puts diagnostics on the failing lines of every project', async () => {
    const results = await vscode.commands.executeCommand<(TestRunResult | undefined)[]>('loopwise.runWorkspaceTests');
    assert.equal(results.length, 5, 'one run per demo folder');
    for (const r of results) assert.ok(r && failingOf(r) >= 1, `a demo project reported no failure: ${JSON.stringify(r?.summary)}`);
    workspaceCounts = {
      passed: results.reduce((n, r) => n + (r?.summary.passed ?? 0), 0),
      failing: results.reduce((n, r) => n + (r ? failingOf(r) : 0), 0),
    };

    const cartTest = vscode.Uri.joinPath(workspaceFolder('python-cart').uri, 'test_cart.py');
    const assertLine = await lineOf(cartTest, 'discount_rate=0.1) == 22.5');
    const cart = await waitFor('a diagnostic on the failing assert of test_cart.py', () => diagnosticAt(cartTest, assertLine));
    assert.equal(cart.severity, vscode.DiagnosticSeverity.Error);
    assert.match(cart.message, /22\.5/, 'the message names the expected value');

    const grades = vscode.Uri.joinPath(workspaceFolder('python-grades').uri, 'grades.py');
    const divisionLine = await lineOf(grades, 'return sum(points) / len(points)');
    const crash = await waitFor('a diagnostic where grades.py divides by zero', () => diagnosticAt(grades, divisionLine));
    assert.match(crash.message, /ZeroDivisionError|division by zero/);

    const slugTest = vscode.Uri.joinPath(workspaceFolder('js-slugify').uri, 'slugify.test.js');
    const slugLine = await lineOf(slugTest, "'hello-world'");
    const slug = await waitFor('a diagnostic on the failing assert of slugify.test.js', () => diagnosticAt(slugTest, slugLine));
    assert.match(slug.message, /hello-world/);

    // python-search loops forever on one test: stopped after this folder's 3 s setting, the rest reported
    const searchTest = vscode.Uri.joinPath(workspaceFolder('python-search').uri, 'test_search.py');
    const hangLine = await lineOf(searchTest, 'index_of([1, 3, 5, 7], 6)');
    const hang = await waitFor('a diagnostic on the test that never ends', () => diagnosticAt(searchTest, hangLine) ?? diagnosticAt(searchTest, hangLine - 1));
    assert.match(hang.message, /timed out after 3 s/);
    const search = results.find((r) => r?.tests.some((t) => t.file === 'test_search.py'));
    assert.deepEqual(search?.tests.map((t) => t.status).sort(), ['passed', 'passed', 'timedOut']);

    await vscode.window.showTextDocument(cartTest, { selection: new vscode.Range(assertLine, 0, assertLine, 0) });
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    const cartFile = api.testController.items.get(`${workspaceFolder('python-cart').uri.toString()}/test_cart.py`);
    const cartTests: vscode.TestItem[] = [];
    cartFile?.children.forEach((t) => { cartTests.push(t); });
    const failing = cartTests.find((t) => t.label.includes('with_discount'));
    if (failing) await vscode.commands.executeCommand('vscode.revealTestInExplorer', failing);
    await screenshot('run-all-tests');
  });

  it('counts the whole workspace in the Testing view\'s header and badge after "Run All Tests"', async () => {
    const { passed, failing } = workspaceCounts;
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    const header = await waitFor('the Testing view\'s result summary', async () => {
      const parts = await queryDom('.result-summary > *');
      return parts.length ? parts : undefined;
    });
    assert.ok(header.some((p) => p.text === `${passed}/${passed + failing}`), `header ${JSON.stringify(header)} for ${passed} passed, ${failing} failing`);
    const badges = await queryDom('.activitybar .action-item .badge-content');
    const labels = await queryDom('.activitybar .action-item .action-label');
    const testing = labels.findIndex((l) => /^Testing/.test(l.label));
    assert.ok(testing >= 0, `no Testing entry in the activity bar: ${JSON.stringify(labels)}`);
    const items = await queryDom('.activitybar .action-item');
    assert.match(items[testing].text, new RegExp(`^${failing}$`), `badge of ${JSON.stringify(items[testing])} (all badges: ${JSON.stringify(badges)})`);
    assert.match(labels[testing].label, new RegExp(`\\b${failing} failed tests`), 'the badge\'s tooltip');
    await screenshot('testing-view-counts');
  });

  it('lists the run in the Testing view: file > tests, with states and ranges', async () => {
    const folderUri = workspaceFolder('python-cart').uri.toString();
    const file = api.testController.items.get(`${folderUri}/test_cart.py`);
    assert.ok(file, 'test_cart.py is not in the Testing view');
    const tests: vscode.TestItem[] = [];
    file.children.forEach((t) => { tests.push(t); });
    assert.equal(tests.length, 3, `expected the 3 tests of test_cart.py, got ${tests.map((t) => t.label).join(', ')}`);
    const failing = tests.find((t) => t.label.includes('test_total_with_discount'));
    assert.ok(failing, 'test_total_with_discount is not listed');
    const shown = api.shownResults(folderUri);
    assert.equal(shown?.get(failing.id), 'failed');
    for (const t of tests.filter((x) => x !== failing)) assert.equal(shown?.get(t.id), 'passed', `${t.label} should show as passed`);
    const defLine = await lineOf(vscode.Uri.joinPath(workspaceFolder('python-cart').uri, 'test_cart.py'), 'def test_total_with_discount');
    assert.equal(failing.range?.start.line, defLine, 'the test item points at its def line');
  });

  it('"Run Tests in Current File" runs the tests of the open file', async () => {
    const slugTest = vscode.Uri.joinPath(workspaceFolder('js-slugify').uri, 'slugify.test.js');
    await vscode.window.showTextDocument(slugTest);
    const result = await vscode.commands.executeCommand<TestRunResult | undefined>('loopwise.runFileTests');
    assert.ok(result, 'the run returned no result');
    assert.equal(result.framework, 'node-test');
    assert.deepEqual([...new Set(result.tests.map((t) => t.file))], ['slugify.test.js']);
    const failed = result.tests.filter((t) => t.status === 'failed').map((t) => t.name);
    assert.deepEqual(failed, ['joins words with one dash']);
  });

  it('"Run Tests in Current File" with the hint panel focused runs the file beside it', async () => {
    const slugTest = vscode.Uri.joinPath(workspaceFolder('js-slugify').uri, 'slugify.test.js');
    await vscode.window.showTextDocument(slugTest);
    await vscode.commands.executeCommand('loopwise.showHint');
    await waitFor('the hint panel to take the focus', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview);
    assert.equal(vscode.window.activeTextEditor, undefined, 'a text editor still has the focus');
    const result = await vscode.commands.executeCommand<TestRunResult | undefined>('loopwise.runFileTests');
    assert.ok(result, 'no run: the command did not find the project file beside the panel');
    assert.deepEqual([...new Set(result.tests.map((t) => t.file))], ['slugify.test.js']);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('the Testing view\'s Run All runs the tests again through its run profile', async () => {
    const folder = workspaceFolder('js-inventory');
    const testFile = vscode.Uri.joinPath(folder.uri, 'test', 'inventory.test.js');
    const throwsLine = await lineOf(testFile, "inv.removeStock('apple', 5)");
    await waitFor('the stock failure before the fix', () => diagnosticAt(testFile, throwsLine));
    // Fixed on disk behind the editor's back, so only the Testing view's run can notice.
    const source = vscode.Uri.joinPath(folder.uri, 'inventory.js');
    const fixed = readFileSync(source.fsPath, 'utf8').replace(
      'this.counts.set(name, this.count(name) - amount);',
      "if (amount > this.count(name)) throw new Error('not enough stock');\n    this.counts.set(name, this.count(name) - amount);",
    );
    writeFileSync(source.fsPath, fixed);
    await vscode.commands.executeCommand('testing.runAll');
    await waitFor('the stock diagnostic to go away', () => !diagnosticAt(testFile, throwsLine), 60000);
    const shown = [...(api.shownResults(folder.uri.toString())?.values() ?? [])];
    assert.deepEqual(shown, ['passed', 'passed', 'passed']);
  });

  it('cancels a running test run and keeps working afterwards', async () => {
    const source = new vscode.CancellationTokenSource();
    const run = api.runTests(workspaceFolder('python-search'), undefined, source.token);
    setTimeout(() => source.cancel(), 1000); // the hanging test keeps this run busy for 3 s
    assert.equal(await run, undefined, 'the cancelled run still returned a result');
    const next = await api.runTests(workspaceFolder('js-slugify'));
    assert.ok(next && next.summary.total === 3, 'the next run after a cancellation did not complete');
  });

  it('a run replaced by a newer run of the same folder ends quietly, without an error message', async () => {
    const folder = workspaceFolder('python-search');
    const replaced = api.runTests(folder); // the hanging test keeps this run busy for 3 s
    await sleep(1000);
    const newer = await api.runTests(folder);
    assert.equal(await replaced, undefined, 'the replaced run still returned a result');
    assert.ok(newer && newer.summary.total > 0, 'the newer run did not complete');
    const toasts = await queryDom('.notifications-toasts .notification-list-item-message');
    const errors = toasts.filter((t) => /running the tests failed/.test(t.text));
    assert.deepEqual(errors.map((t) => t.text), []);
  });

  it('re-runs on save (loopwise.runOnSave) and clears the diagnostic of the fixed bug', async () => {
    const folder = workspaceFolder('python-grades');
    const testFile = vscode.Uri.joinPath(folder.uri, 'test_grades.py');
    const boundaryLine = await lineOf(testFile, 'letter(90)');
    await waitFor('the boundary failure before the fix', () => diagnosticAt(testFile, boundaryLine));

    const logged = () => readFileSync(api.outputLog.fsPath, 'utf8').split('\n').filter((l) => l.includes('tests of python-grades')).length;
    const loggedBefore = logged();
    const source = vscode.Uri.joinPath(folder.uri, 'grades.py');
    const doc = await vscode.workspace.openTextDocument(source);
    const bugLine = await lineOf(source, 'if points > 90:');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(source, doc.lineAt(bugLine).range, '    if points >= 90:');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());

    await waitFor('the boundary diagnostic to go away after saving the fix', () => !diagnosticAt(testFile, boundaryLine), 45000);
    await waitFor('the run on save in the Output channel', () => logged() > loggedBefore);
    const divisionLine = await lineOf(source, 'return sum(points) / len(points)');
    assert.ok(diagnosticAt(source, divisionLine), 'the unfixed division by zero is still reported');
    await vscode.window.showTextDocument(source);
    await screenshot('after-fix-on-save');
  });

  it('forgets the tests of a deleted test file on the next run of its folder', async () => {
    const folder = workspaceFolder('js-inventory');
    const id = `${folder.uri.toString()}/test/inventory.test.js`;
    assert.ok(api.testController.items.get(id), 'inventory.test.js should be listed before it is deleted');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder.uri, 'test', 'inventory.test.js'));
    const result = await api.runTests(folder);
    assert.ok(result, 'the run of a folder without tests returned nothing');
    assert.equal(result.tests.length, 0);
    assert.ok(result.problems.some((p) => p.kind === 'noTests'), 'a folder without tests is reported as such');
    assert.equal(api.testController.items.get(id), undefined, 'the deleted file is still in the Testing view');
  });

  it('logged every run and never lost a setting', () => {
    const log = readFileSync(api.outputLog.fsPath, 'utf8');
    assert.doesNotMatch(log, /could not read settings/);
    for (const folder of vscode.workspace.workspaceFolders ?? []) assert.match(log, new RegExp(`tests of ${folder.name}\\b.* passed`), `no run of ${folder.name} in the Output channel`);
  });

  it('offers to export the suggestion events into the workspace folder', async () => {
    const exporting = vscode.commands.executeCommand('loopwise.exportEvents');
    const expected = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'loopwise-events.jsonl').fsPath;
    const input = await waitFor('the save dialog', async () => (await queryDom('.quick-input-widget input')).find((i) => i.value.endsWith('loopwise-events.jsonl')));
    assert.equal(input.value, expected);
    await screenshot('export-events-dialog');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await Promise.race([exporting, sleep(5000)]);
  });
});
