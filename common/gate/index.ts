// The gate's API for both processes: the client keeps a history per user, scores and decides locally with a
// compiled model; the server trains (server/src/gate/train.ts) and ships model files in this format.
export { decide, gateField, scoreStage1, scoreStage2, DEFAULT_EXPLORE_RATE, DEFAULT_KEEP_RATE, type GateDecision, type GateOptions } from './decide';
export { extractFeatures, featureNames, FEATURE_VERSION, STAGE1_FEATURES, STAGE2_FEATURES, type GateInput, type Stage } from './features';
export { MAX_TOKENS, newHistory, observe, outcomeOf, RECENT_DECIDED, RECENT_SHOWN, type GateHistory, type ShownSuggestion } from './history';
export { GateModelError, loadGateModel, thresholdFor, trainedWithoutCode, type CompiledGate, type GateModel, type StageModel } from './model';
