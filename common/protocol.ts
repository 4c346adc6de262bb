// The contract between the extension and the language server: every custom LSP message and
// the shared types they carry. Both sides import this file; neither redefines these shapes.
import type { PrivacyLevel, SuggestionEvent } from './events';
import type { GateDecision } from './gate/decide';
import type { GateHistory, ShownSuggestion } from './gate/history';
import type { GateModel } from './gate/model';
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
  completions: CompletionSettings;
  gate: GateSettings;
  events: EventSettings;
  team: TeamSettings;
  /** 'tutor': hints only, no fix code is ever sent to the editor. */
  mode: LoopwiseMode;
  hints: HintSettings;
}

/** loopwise.hints.*: the teacher's precision knob for validated LLM hints (an assignment file overrides it). */
export interface HintSettings {
  /** Accept a hint when students given it fix the program at least this often ... */
  alpha: number;
  /** ... or this much more often than without it. */
  beta: number;
}

/** loopwise.completions.*: inline suggestions from the 'completion' model. */
export interface CompletionSettings {
  enabled: boolean;
}

/** loopwise.gate.*: the learned show/hide gate for inline suggestions. */
export interface GateSettings {
  /** false: every suggestion is requested and shown (scores are still computed and listed). */
  enabled: boolean;
  /** Share of would-be-accepted suggestions the gate keeps (chooses the threshold). */
  keepRate: number;
  /** Share of would-be-hidden suggestions shown anyway, with the propensity logged. */
  exploreRate: number;
  /** Retrain the gate on the local events after this many new accept/reject decisions. */
  retrainEvery: number;
}

/** loopwise.events.*: the local suggestion-event store. */
export interface EventSettings {
  /** 'noCode': no code text (prefix, suffix, suggestion) is ever stored. */
  privacy: PrivacyLevel;
}

/** loopwise.team.*: uploading events to the team collector and using its gate model. The token is never a setting. */
export interface TeamSettings {
  /** Upload events to the team collector (also needs VS Code telemetry on, checked before every request). */
  enabled: boolean;
  /** Collector base URL, e.g. https://loopwise.example.com (POST /v1/events, GET /v1/model). */
  endpoint: string;
  /** 'noCode' (default): no prefix, suffix or suggestion text is uploaded. */
  privacy: PrivacyLevel;
  /** Fetch the team's gate model from the collector and gate with it. */
  useTeamModel: boolean;
}

/** loopwise.repair.*: the embedded repair engine ("Find a verified fix"). */
/** Which engine searches for a fix: 'auto' races the embedded search and the LLM when a fixer model is set. */
export type RepairEngineSetting = 'auto' | 'embedded' | 'llm' | 'both';

export interface RepairSettings {
  /** Time budget of one repair search (localization included), in seconds. */
  budgetSeconds: number;
  engine: RepairEngineSetting;
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
  repair: { budgetSeconds: 30, engine: 'auto' },
  completions: { enabled: true },
  gate: { enabled: true, keepRate: 0.95, exploreRate: 0.02, retrainEvery: 200 },
  events: { privacy: 'all' },
  team: { enabled: false, endpoint: '', privacy: 'noCode', useTeamModel: true },
  mode: 'developer',
  hints: { alpha: 0.5, beta: 0.25 },
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
  /** client -> server: suggestion events to append to the local store (EventsNotification). */
  events: 'loopwise/events',
  /** server -> client: the gate model to score with (GateModelNotification), after start and every retraining. */
  gateModel: 'loopwise/gateModel',
  /** server -> client: whether inline suggestions can work (CompletionStatusNotification), sent on changes only. */
  completionStatus: 'loopwise/completionStatus',
  /** server -> client request before EVERY upload: may events be sent now (TeamUploadAllowedResponse)? */
  teamUploadAllowed: 'loopwise/teamUploadAllowed',
  /** server -> client request: the team token from SecretStorage (TeamTokenResponse). Never logged. */
  teamToken: 'loopwise/teamToken',
} as const;

/** Server commands (workspace/executeCommand) of the gate and the event store. */
export const GateCommands = {
  /** () -> GateTrainResult */
  train: 'loopwise.server.gateTrain',
  /** (file: string) -> { events: number } */
  exportEvents: 'loopwise.server.eventsExport',
  /** () -> { deleted: true } */
  deleteEvents: 'loopwise.server.eventsDelete',
  /** () -> GateDecisionRecord[]: the server's own recent decisions (clients that do not gate themselves). */
  decisions: 'loopwise.server.gateDecisions',
} as const;

/** Server commands of the team uploader. */
export const TeamCommands = {
  /** () -> TeamStatus: sends the queued events now (also after a refused token was replaced). */
  upload: 'loopwise.server.teamUpload',
  /** () -> TeamStatus */
  status: 'loopwise.server.teamStatus',
} as const;

export interface TeamUploadAllowedResponse {
  allowed: boolean;
  /** Why not, e.g. "VS Code telemetry is disabled". */
  reason?: string;
}

export interface TeamTokenResponse {
  /** Absent when no token was set (command "Loopwise: Set Team Token"). */
  token?: string;
}

/** What the uploader is doing, for the "Upload Events Now" command and logs. */
export interface TeamStatus {
  state: 'idle' | 'sending' | 'waiting' | 'notConfigured' | 'notAllowed' | 'unauthorized' | 'misconfigured' | 'stopped' | 'off';
  message: string;
  pending: number;
  sent: number;
  duplicates: number;
  parked: number;
  dropped: number;
  nextAttemptAt?: number;
  model?: { etag?: string; message: string };
}

/**
 * Client capability experimental.loopwiseInline: the client gates suggestions itself (scores with the model
 * it receives, logs shown/suppressed and outcomes) and where the server keeps events (VS Code: globalStorage).
 * Without it the server applies both gate stages and logs requested/skipped/shown/suppressed itself.
 */
export interface InlineClientCapability {
  gate?: boolean;
  storageDir?: string;
}

export interface EventsNotification {
  events: SuggestionEvent[];
}

export interface GateModelNotification {
  model: GateModel;
  /** 'default': the shipped model; 'trained': trained on this user's events. */
  source: 'default' | 'trained' | 'team';
  /**
   * Only with the first model after the server starts: the gate's user history (previous outcome, acceptance
   * rate...) folded from the most recent stored completion events, for the client to continue from across restarts.
   */
  history?: GateHistoryState;
}

/** A GateHistory (common/gate/history.ts) as JSON: an unknown confidence (NaN) is null, token sets are plain arrays. */
export type GateHistoryState = Omit<GateHistory, 'lastShownConfidence' | 'shown' | 'decidedTokens'> & {
  lastShownConfidence: number | null;
  shown: (Omit<ShownSuggestion, 'tokens'> & { tokens: number[] })[];
  decidedTokens: number[][];
};

export interface CompletionStatusNotification {
  state: 'ready' | 'noModel' | 'error' | 'disabled';
  message: string;
}

export interface GateTrainResult {
  trained: boolean;
  message: string;
  decisions?: number;
}

/** One gate decision as listed by "Show Gate Decisions". */
export type GateDecisionRecord = Omit<GateDecision, 'propensity'> & {
  ts: number;
  sid: string;
  /** Start of the line at the cursor or of the suggestion, for recognising it in the list. */
  preview: string;
};

/** Argument of the inline item's command (the client's acceptance hook) and what the client logs about it. */
export interface InlineSuggestionInfo {
  sid: string;
  /** When the server answered (epoch ms). */
  ts: number;
  ctx: SuggestionEvent['ctx'];
  sug: SuggestionEvent['sug'];
}

/** The event schema keeps at most this much text before the cursor (DESIGN.md), and a short head after it. */
export const EVENT_PREFIX_CHARS = 1000;
export const EVENT_SUFFIX_CHARS = 200;

/** The `ctx` of a completion event at `offset`: computed the same way by the server and by the gating client. */
export function eventContext(text: string, offset: number, lang: string): NonNullable<SuggestionEvent['ctx']> {
  return { lang, docLen: text.length, offset, prefix: text.slice(Math.max(0, offset - EVENT_PREFIX_CHARS), offset), suffix: text.slice(offset, offset + EVENT_SUFFIX_CHARS) };
}

/** Argument of the client command loopwise.previewFix (offered when the client declares experimental.loopwisePreviewFix). */
export interface PreviewFixArgs {
  /** "Verified fix: makes 2 tests pass (test_a, test_b)". */
  title: string;
  /** Whole new text of each changed source file; the client applies it only while the file is unchanged. */
  files: { uri: string; originalText: string; newText: string }[];
  testsFixed: string[];
  /** The fix's event id: the client reports the preview and its outcome with FIX_EVENT_COMMAND. */
  sid: string;
  /** The preview message's detail: what the fix verifies and how it was preferred over the alternatives. */
  detail?: string;
}

/** Server command logging a fix event (kind 'fix'), with one FixEventArgs: previewed, applied, dismissed. */
export const FIX_EVENT_COMMAND = 'loopwise.server.fixEvent';

export interface FixEventArgs {
  sid: string;
  type: 'shown' | 'accepted' | 'rejected';
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

/** loopwise.mode: 'developer' offers verified fixes; 'tutor' offers hints only and never sends fix code. */
export type LoopwiseMode = 'developer' | 'tutor';

/** Help levels of a tutor hint, asked for one after the other; none of them is the solution. */
export type HintLevel = 1 | 2 | 3;
export const hintLevelNames: Record<HintLevel, string> = { 1: 'nudge', 2: 'location', 3: 'concept' };

/** The failing test a hint is about, as a real run reported it. */
export interface HintTest {
  id: string;
  /** The call under test as the test writes it, e.g. "search(100, [])". */
  input?: string;
  expected?: string;
  actual?: string;
  message?: string;
}

export interface TutorHint {
  /** Set by the server per hint shown: feedback on it refers to this id (the `sid` of its events). */
  id?: string;
  /** 'embedded': built from localization + a verified fix; 'llm': tutor model, validated; 'fallback': failing test and localization only (no verified fix). */
  source: 'embedded' | 'llm' | 'fallback' | 'syntax';
  level: HintLevel;
  /** Highest level this hint offers (the assignment's policy may cap it). */
  maxLevel: HintLevel;
  text: string;
  test?: HintTest;
  /** The line the hint points at (levels >= 2 only). */
  location?: { file: string; line: number };
  /** Kind of problem, e.g. "missing case", "comparison", "loop bound". */
  problem?: string;
  /** How the hint was checked (validation figures, leak guard). */
  validation?: { withHint?: number; withoutHint?: number; attempts?: number; leakChecked: boolean; note?: string };
}

export interface HintParams {
  /** file:// URI of the workspace folder. */
  folderUri: string;
  level?: HintLevel;
  workDoneToken?: string | number;
}

export interface HintResponse {
  status: 'hint' | 'allPassing' | 'withheld' | 'error';
  hint?: TutorHint;
  /** Why no hint (withheld, all tests pass, no tests). Notes for the teacher (no model configured) go to the log. */
  message?: string;
}

/** client -> server: the student rated a hint or asked for more help; stored as a `hint` event. */
export interface HintFeedbackParams {
  folderUri: string;
  hintId: string;
  action: 'helpful' | 'notHelpful' | 'moreHelp' | 'shown';
  level: HintLevel;
  source: TutorHint['source'];
  file?: string;
  line?: number;
}

export const HintMethods = {
  hint: 'loopwise/hint',
  hintFeedback: 'loopwise/hintFeedback',
} as const;
