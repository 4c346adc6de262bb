// Turns a test run into diagnostics: each failing test at its failing assertion (in the test file) and at
// the deepest frame of the traceback in user code, with expected/actual in the message; run problems that
// have a location (syntax errors) at their line. Pure: file text comes from the caller.
import { isAbsolute, resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver/node';
import type { RunProblem, SourceLocation, TestResult, TestRunResult } from '../../../common/protocol';
import { isTestFile } from '../run/files';
import { pathToUri } from './folders';

/** Diagnostics of one test (or of the run's problems), by document URI. */
export type DiagnosticsByUri = Map<string, Diagnostic[]>;

export interface DiagnosticData {
  testId?: string;
  problem?: RunProblem['kind'];
}

/** Returns the text of a workspace file, or undefined when it cannot be read. */
export type ReadText = (absolutePath: string) => string | undefined;

const maxMessageChars = 2000;

/** Test code, by the runner's conventions (conftest.py holds fixtures: also test code). */
function isTestCode(file: string): boolean {
  const rel = file.split('\\').join('/');
  return isTestFile(rel) || rel.endsWith('conftest.py');
}

export function isFailure(t: TestResult): boolean {
  return t.status === 'failed' || t.status === 'error' || t.status === 'timedOut';
}

/** Where the test failed in its own code: the framework's assertion site, else its deepest frame in the test file. */
export function assertionSite(t: TestResult): SourceLocation | undefined {
  if (t.assertion) return t.assertion;
  const inTest = t.traceback?.filter((f) => f.file === t.file).pop() ?? t.traceback?.filter((f) => isTestCode(f.file)).pop();
  if (inTest) return inTest;
  return t.line ? { file: t.file, line: t.line } : undefined;
}

/** The deepest traceback frame outside test files: where the failure surfaced in the user's code. */
export function userSite(t: TestResult): SourceLocation | undefined {
  return t.traceback?.filter((f) => f.file !== t.file && !isTestCode(f.file)).pop();
}

/** ": <message>\nexpected: ..\nactual: .." (each part only when known), capped in length. */
function details(t: TestResult): string {
  const parts: string[] = [];
  const message = t.message?.trim();
  if (message) parts.push(message);
  if (t.expected !== undefined) parts.push(`expected: ${t.expected}`);
  if (t.actual !== undefined) parts.push(`actual: ${t.actual}`);
  const text = parts.join('\n');
  if (!text) return '';
  return `: ${text.length > maxMessageChars ? `${text.slice(0, maxMessageChars)}…` : text}`;
}

export class DiagnosticBuilder {
  constructor(private readonly root: string, private readonly readText: ReadText) {}

  /** Diagnostics for one test; empty unless it failed, errored or timed out. */
  forTest(t: TestResult): DiagnosticsByUri {
    const out: DiagnosticsByUri = new Map();
    if (!isFailure(t)) return out;
    const verb = t.status === 'timedOut' ? 'timed out' : t.status === 'error' ? 'errored' : 'failed';
    const text = details(t);
    const data: DiagnosticData = { testId: t.id };
    const test = assertionSite(t);
    const user = userSite(t);
    if (test) {
      const related = user ? [this.related(user, `${t.name} fails in this code`)] : undefined;
      this.add(out, test, `${t.name} ${verb}${text}`, DiagnosticSeverity.Error, t.status, data, related);
    }
    if (user) {
      const related = test ? [this.related(test, `failing test ${t.name}`)] : undefined;
      this.add(out, user, `${t.name} ${verb} here${text}`, DiagnosticSeverity.Error, t.status, data, related);
    }
    return out;
  }

  /** Diagnostics for run problems that point at a line (syntax errors); others are reported as messages. */
  forProblems(problems: RunProblem[]): DiagnosticsByUri {
    const out: DiagnosticsByUri = new Map();
    for (const p of problems) {
      if (!p.location) continue;
      const severity = p.kind === 'syntaxError' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
      this.add(out, p.location, p.message, severity, p.kind, { problem: p.kind });
    }
    return out;
  }

  /** Every diagnostic of a run, by URI (tests and problems together). */
  forRun(result: TestRunResult): DiagnosticsByUri {
    const all: DiagnosticsByUri = new Map();
    for (const part of [...result.tests.map((t) => this.forTest(t)), this.forProblems(result.problems)]) {
      for (const [uri, list] of part) all.set(uri, [...(all.get(uri) ?? []), ...list]);
    }
    return all;
  }

  private uri(file: string): string {
    return pathToUri(isAbsolute(file) ? file : resolve(this.root, file));
  }

  private add(out: DiagnosticsByUri, at: SourceLocation, message: string, severity: DiagnosticSeverity, code: string, data: DiagnosticData, relatedInformation?: DiagnosticRelatedInformation[]): void {
    const uri = this.uri(at.file);
    const diagnostic: Diagnostic = { range: this.lineRange(at), message, severity, source: 'loopwise', code, data };
    if (relatedInformation) diagnostic.relatedInformation = relatedInformation;
    out.set(uri, [...(out.get(uri) ?? []), diagnostic]);
  }

  private related(at: SourceLocation, message: string): DiagnosticRelatedInformation {
    return { location: { uri: this.uri(at.file), range: this.lineRange(at) }, message };
  }

  /** The line's text without its indentation, or the whole line when the file cannot be read. */
  private lineRange(at: SourceLocation): Diagnostic['range'] {
    const line = Math.max(0, at.line - 1);
    const text = this.readText(isAbsolute(at.file) ? at.file : resolve(this.root, at.file));
    const lineText = text?.split(/\r?\n|\r/)[line];
    if (lineText === undefined) return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
    const start = lineText.length - lineText.trimStart().length;
    return { start: { line, character: start }, end: { line, character: Math.max(start, lineText.trimEnd().length) } };
  }
}
