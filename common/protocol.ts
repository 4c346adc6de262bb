// The contract between the extension and the language server: every custom LSP message and
// the shared types they carry. Both sides import this file; neither redefines these shapes.
import type { TestRunResult } from './results';

export * from './results';

/** Settings read by the server per resource (mirrors package.json contributes.configuration). */
export interface LoopwiseSettings {
  runOnSave: boolean;
  testTimeoutSeconds: number;
  runTimeoutSeconds: number;
}

export const defaultSettings: LoopwiseSettings = {
  runOnSave: false,
  testTimeoutSeconds: 10,
  runTimeoutSeconds: 120,
};

/** Custom requests and notifications, by method name. */
export const Methods = {
  /** client -> server: run the tests of a workspace folder, or only those touching one file. */
  runTests: 'loopwise/runTests',
  /** server -> client: a finished run, for the Testing view. */
  testResults: 'loopwise/testResults',
} as const;

export interface RunTestsParams {
  /** file:// URI of the workspace folder. */
  folderUri: string;
  /** file:// URI of a file: run only the tests related to it. Absent: the whole folder. */
  fileUri?: string;
  /** Work-done progress token created by the client. */
  workDoneToken?: string | number;
}

export type RunTestsResponse = TestRunResult;

export interface TestResultsNotification {
  folderUri: string;
  result: TestRunResult;
}
