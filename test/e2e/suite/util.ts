// Helpers for the tests that run inside VS Code: polling for what the UI shows, finding lines in the
// demo projects, and asking the harness for a screenshot of the workbench or for what its DOM shows.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** Polls `probe` until it returns a truthy value; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function workspaceFolder(name: string): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  if (!folder) throw new Error(`demo folder ${name} is not open in this workspace`);
  return folder;
}

/** 0-based number of the first line of `uri` containing `text`. */
export async function lineOf(uri: vscode.Uri, text: string): Promise<number> {
  const doc = await vscode.workspace.openTextDocument(uri);
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`${uri.fsPath} has no line containing ${JSON.stringify(text)}`);
}

export function diagnosticAt(uri: vscode.Uri, line: number): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === line);
}

/** Asks test/e2e/harness.mjs to save a PNG of the workbench, and waits until it is written. */
export async function screenshot(name: string): Promise<string> {
  const dir = process.env.LOOPWISE_E2E_OUT;
  if (!dir) throw new Error('LOOPWISE_E2E_OUT is not set: run these tests through test/e2e/run.mjs');
  const file = join(dir, `${name}.png`);
  await sleep(1500); // let the workbench paint what the test just opened
  console.log(`LOOPWISE_SCREENSHOT ${file}`);
  await waitFor(`screenshot ${file}`, () => existsSync(file) && statSync(file).size > 0, 20000);
  return file;
}

export interface DomElement {
  text: string;
  label: string;
  title: string;
  /** An input's value ('' for other elements). */
  value: string;
}

let domQueries = 0;

/** What the workbench shows in the elements matching a CSS selector (asked from test/e2e/harness.mjs). */
export async function queryDom(selector: string): Promise<DomElement[]> {
  const dir = process.env.LOOPWISE_E2E_OUT;
  if (!dir) throw new Error('LOOPWISE_E2E_OUT is not set: run these tests through test/e2e/run.mjs');
  const file = join(dir, `dom-${++domQueries}.json`);
  console.log(`LOOPWISE_DOM ${file} ${selector}`);
  await waitFor(`the DOM query ${selector}`, () => existsSync(file) && statSync(file).size > 0, 20000);
  const found = JSON.parse(readFileSync(file, 'utf8')) as DomElement[] | { error: string };
  if (!Array.isArray(found)) throw new Error(`the DOM query ${selector} failed: ${found.error}`);
  return found;
}
