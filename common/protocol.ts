// The contract between the extension and the language server: every custom LSP message and
// the shared types they carry. Both sides import this file; neither redefines these shapes.
import type { TestRunResult } from './results';

export * from './results';
export * from './localize';
export * from './repair';

/** Settings read by the server per resource (mirrors package.json contributes.configuration). */
export interface LoopwiseSettings {
  runOnSave: boolean;
  testTimeoutSeconds: number;
  runTimeoutSeconds: number;
  llm: LlmSettings;
  repair: RepairSettings;
}

/** loopwise.repair.*: the embedded repair engine ("Find a verified fix"). */
export interface RepairSettings {
  /** Time budget of one repair search (localization included), in seconds. */
  budgetSeconds: number;
}

/** Who a model call is for; each role has its own model (loopwise.llm.models.<role>). */
export type LlmRole = 'fixer' | 'tutor' | 'student' | 'completion';

/**
 * loopwise.llm.* settings. The API key is never a setting: the client hands it over on request
 * (Methods.llmApiKey, from SecretStorage); the CLI reads OPENAI_API_KEY.
 */
export interface LlmSettings {
  /** OpenAI-compatible base URL ending in /v1; empty: the OpenAI default. */
  baseUrl: string;
  /** Model name per role; an empty name means the role is not configured. */
  models: Record<LlmRole, string>;
  timeoutSeconds: number;
  /** Tokens (prompt + completion) one action may spend, e.g. one self-debugging run. */
  tokenBudget: number;
}

export const defaultSettings: LoopwiseSettings = {
  runOnSave: false,
  testTimeoutSeconds: 10,
  runTimeoutSeconds: 120,
  llm: { baseUrl: '', models: { fixer: '', tutor: '', student: '', completion: '' }, timeoutSeconds: 60, tokenBudget: 50000 },
  repair: { budgetSeconds: 30 },
};

/** Custom requests and notifications, by method name. */
export const Methods = {
  /** client -> server: run the tests of a workspace folder, or only those touching one file. */
  runTests: 'loopwise/runTests',
  /** server -> client: a finished run, for the Testing view. */
  testResults: 'loopwise/testResults',
  /** server -> client request: the LLM API key from SecretStorage (LlmApiKeyResponse). Never logged. */
  llmApiKey: 'loopwise/llmApiKey',
  /** server -> client: tokens spent by one LLM action so far (LlmUsageNotification), for the status bar. */
  llmUsage: 'loopwise/llmUsage',
  /** client -> server: localize the fault and search a verified fix in a folder (RepairParams -> RepairResult). */
  repair: 'loopwise/repair',
} as const;

/** Argument of the client command loopwise.previewFix (offered when the client declares experimental.loopwisePreviewFix). */
export interface PreviewFixArgs {
  /** "Verified fix: makes 2 tests pass (test_a, test_b)". */
  title: string;
  /** Whole new text of each changed source file; the client applies it only while the file is unchanged. */
  files: { uri: string; originalText: string; newText: string }[];
  testsFixed: string[];
}

export interface RepairParams {
  /** file:// URI of the workspace folder. */
  folderUri: string;
  /** Time budget in seconds; absent: the loopwise.repair.budgetSeconds setting. */
  budgetS?: number;
  workDoneToken?: string | number;
}

export interface LlmApiKeyResponse {
  /** Absent when the user has not set a key (fine for local servers such as Ollama). */
  apiKey?: string;
}

export interface LlmUsageNotification {
  /** What spent the tokens, e.g. "fix" or "hint". */
  action: string;
  role: LlmRole;
  promptTokens: number;
  completionTokens: number;
  /** True when some counts were estimated because the endpoint reported no usage. */
  estimated: boolean;
  budget: number;
}

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
