// Gate feature extraction: ONE pure function shared by training (server) and scoring (client), so a model
// sees the same numbers in both places. Uses only what is known when a suggestion is shown: the user's history
// before it, the cursor context, and (stage 2) the suggestion itself. Runs in a few microseconds: one pass
// over the last 600 characters of the prefix, no regular expressions, no allocation beyond the output vector.
import type { EventContext, EventSuggestion } from '../events';
import { confidence, fillTokens, jaccard, MAX_TOKENS, rateWithPrior, shapeOf, type GateHistory } from './history';
import { scanPrefix, suggestionShape, type PrefixScan } from './lexical';

/** Bump when a feature's meaning changes; models record the version they were trained with. */
export const FEATURE_VERSION = 5;

export const STAGE1_FEATURES = [
  'prevAccepted', 'prevRejected', 'logSecSinceOutcome', 'logSecSinceShown', 'rateWithPrior', 'docDelta', 'prevConfidence', 'typedSinceAcceptRate',
  'hasPrefix', 'lastWord', 'lastSpace', 'lastNewline', 'lastOpen', 'lastClose', 'lastComma', 'lastColon', 'lastEquals',
  'lastDot', 'lastQuote', 'lastOther', 'nonSpaceWord', 'nonSpaceOpen', 'nonSpaceColon', 'nonSpaceOther',
  'logLineLen', 'indent', 'lineBlank', 'logPrevLineLen', 'prevLineColon', 'prevLineBlank', 'prevLineComment', 'inString', 'inComment',
  'bracketDepth', 'lineDef', 'lineFlow', 'lineReturn', 'lineImport', 'lineCall', 'lineAssign', 'prefixBlankLines', 'partialWordLen',
  'atLineEnd', 'atDocEnd', 'relPos', 'logDocLen', 'logCharsAfter', 'langPython', 'langJs',
] as const;

export const STAGE2_EXTRA = [
  'logChars', 'lines', 'logTokens', 'charsPerLine', 'hasLogProb', 'meanLogProb', 'meanAltLogProb', 'logProbGap',
  'meanProb', 'meanAltProb', 'confidence', 'confidenceVsPrev',
  'hasText', 'startsNewline', 'startsSpace', 'continuesWord', 'isComment', 'repeatsFirstLine', 'repeatShare',
  'closesOpen', 'overCloses', 'opensBlock', 'parses', 'alnumShare', 'knownIdentShare', 'lineEcho', 'prevLineSimilarity',
  'sameAsPrevSug', 'prevSugContains', 'recentSimilarity', 'shapeRateVsUser',
] as const;

export const STAGE2_FEATURES = [...STAGE1_FEATURES, ...STAGE2_EXTRA] as const;
export type FeatureName = (typeof STAGE2_FEATURES)[number];
export type Stage = 1 | 2;

export const featureNames = (stage: Stage): readonly string[] => (stage === 1 ? STAGE1_FEATURES : STAGE2_FEATURES);

const F = Object.fromEntries(STAGE2_FEATURES.map((n, i) => [n, i])) as Record<FeatureName, number>;

/** What the gate knows about one suggestion: a `shown` event fits, and so does a request before the model call. */
export interface GateInput {
  ts: number;
  ctx?: EventContext | null;
  sug?: EventSuggestion | null;
  /** Facts the caller computed cheaply elsewhere (tree-sitter): override the lexical guesses when present. */
  hints?: { nodeType?: string; parses?: boolean } | null;
}

const logSec = (ms: number) => Math.log1p(Math.min(Math.max(ms, 0), 3_600_000) / 1000);
const NO_TIME = logSec(3_600_000);
/** Stands in for an unknown confidence (no earlier suggestion, or no log-probabilities): halfway up its 0..1 range. */
const MIDDLING_CONFIDENCE = 0.5;

/** Writes the stage's feature vector for `input` given the history before it. Pure apart from filling `out`. */
export function extractFeatures(stage: Stage, input: GateInput, h: GateHistory, out?: Float64Array): Float64Array {
  const x = out ?? new Float64Array(featureNames(stage).length);
  x.fill(0);
  const now = input.ts;
  const n = h.decisions;
  x[F.prevAccepted] = h.lastOutcome === 1 ? 1 : 0;
  x[F.prevRejected] = h.lastOutcome === 0 ? 1 : 0;
  x[F.logSecSinceOutcome] = n > 0 ? logSec(now - h.lastOutcomeTs) : NO_TIME;
  x[F.logSecSinceShown] = h.lastShownTs > 0 ? logSec(now - h.lastShownTs) : NO_TIME;
  x[F.rateWithPrior] = rateWithPrior(h);
  const docLenNow = input.ctx?.docLen ?? -1;
  if (docLenNow >= 0 && h.lastShownDocLen >= 0) {
    const delta = docLenNow - h.lastShownDocLen;
    x[F.docDelta] = Math.sign(delta) * Math.log1p(Math.abs(delta));
  }
  if (docLenNow >= 0 && h.docLenAfterAccept >= 0 && h.lastAcceptTs > 0) {
    // characters typed per second since the last accept: still writing along with the model, or stopped to read
    const rate = (docLenNow - h.docLenAfterAccept) / Math.max((now - h.lastAcceptTs) / 1000, 1);
    x[F.typedSinceAcceptRate] = Math.sign(rate) * Math.log1p(Math.abs(rate));
  }
  x[F.prevConfidence] = Number.isNaN(h.lastShownConfidence) ? MIDDLING_CONFIDENCE : h.lastShownConfidence;

  const ctx = input.ctx;
  const prefix = ctx?.prefix ?? '';
  const s = scanPrefix(prefix, ctx?.lang ?? '');
  if (prefix.length > 0) writeContext(x, s);
  const nodeType = input.hints?.nodeType;
  if (nodeType) {
    x[F.inString] = nodeType.includes('string') ? 1 : 0;
    x[F.inComment] = nodeType.includes('comment') ? 1 : 0;
  }
  const docLen = ctx?.docLen ?? null;
  const offset = ctx?.offset ?? null;
  const suffix = ctx?.suffix;
  const atDocEnd = docLen !== null && offset !== null && offset >= docLen;
  x[F.atDocEnd] = atDocEnd ? 1 : 0;
  x[F.atLineEnd] = typeof suffix === 'string' ? (suffix.length === 0 || suffix.charCodeAt(0) === 10 || suffix.charCodeAt(0) === 13 ? 1 : 0) : atDocEnd ? 1 : 0.5;
  x[F.relPos] = docLen && offset !== null ? Math.min(offset / docLen, 1) : 1;
  x[F.logDocLen] = docLen !== null ? Math.log1p(docLen) : 0;
  // editing inside existing code rather than appending at its end
  x[F.logCharsAfter] = docLen !== null && offset !== null ? Math.log1p(Math.max(docLen - offset, 0)) : 0;
  const lang = ctx?.lang ?? '';
  x[F.langPython] = lang === 'python' ? 1 : 0;
  x[F.langJs] = lang.startsWith('javascript') || lang.startsWith('typescript') ? 1 : 0;
  if (stage === 2 && input.sug) writeSuggestion(x, input.sug, prefix, s, input.hints?.parses, h);
  return x;
}

function writeContext(x: Float64Array, s: PrefixScan): void {
  x[F.hasPrefix] = 1;
  const cls = s.lastClass;
  x[F.lastWord + cls] = 1; // the last-character classes are consecutive features, in lexical.ts order
  x[F.nonSpaceWord] = s.nonSpaceClass === 0 ? 1 : 0;
  x[F.nonSpaceOpen] = s.nonSpaceClass === 3 ? 1 : 0;
  x[F.nonSpaceColon] = s.nonSpaceClass === 6 ? 1 : 0;
  x[F.nonSpaceOther] = s.nonSpaceClass !== 0 && s.nonSpaceClass !== 3 && s.nonSpaceClass !== 6 ? 1 : 0;
  x[F.logLineLen] = Math.log1p(s.lineLen);
  x[F.indent] = Math.min(s.indent, 32) / 4;
  x[F.lineBlank] = s.lineBlank ? 1 : 0;
  x[F.logPrevLineLen] = Math.log1p(s.prevLineLen);
  x[F.prevLineColon] = s.prevLineColon ? 1 : 0;
  x[F.prevLineBlank] = s.prevLineBlank ? 1 : 0;
  x[F.prevLineComment] = s.prevCodeComment ? 1 : 0;
  x[F.inString] = s.inString ? 1 : 0;
  x[F.inComment] = s.inComment ? 1 : 0;
  x[F.bracketDepth] = Math.min(s.depth, 4);
  x[F.lineDef + s.lineKind] = s.lineKind < 6 ? 1 : 0;
  x[F.prefixBlankLines] = Math.min(s.blankLines, 20) / 4;
  x[F.partialWordLen] = Math.min(s.wordLen, 12);
}

function writeSuggestion(x: Float64Array, sug: EventSuggestion, prefix: string, s: PrefixScan, parses: boolean | undefined, h: GateHistory): void {
  x[F.logChars] = Math.log1p(sug.chars);
  x[F.lines] = Math.min(sug.lines, 30);
  const tokens = sug.tokens ?? Math.ceil(sug.chars / 4);
  x[F.logTokens] = Math.log1p(tokens);
  x[F.charsPerLine] = Math.log1p(sug.chars / Math.max(sug.lines, 1));
  const lp = sug.meanLogProb;
  const alt = sug.meanAltLogProb;
  if (lp !== null && lp !== undefined) {
    x[F.hasLogProb] = 1;
    x[F.meanLogProb] = Math.max(lp, -10);
    x[F.meanAltLogProb] = alt !== null && alt !== undefined ? Math.max(alt, -20) : 0;
    x[F.logProbGap] = alt !== null && alt !== undefined ? Math.max(lp, -10) - Math.max(alt, -20) : 0;
    const conf = confidence(sug);
    x[F.meanProb] = Math.exp(Math.min(lp, 0));
    x[F.meanAltProb] = alt !== null && alt !== undefined ? Math.exp(Math.min(alt, 0)) : 0;
    x[F.confidence] = conf;
    // relative to the suggestion just before: is the model surer here than a moment ago
    x[F.confidenceVsPrev] = Number.isNaN(h.lastShownConfidence) ? 0 : conf - h.lastShownConfidence;
  }
  x[F.parses] = parses === undefined ? 0 : parses ? 1 : -1;
  // how this user takes suggestions of this shape (short line / long line / several lines) compared with all
  // their suggestions: the shape's rate shrunk towards the user's own rate by 3 pseudo-decisions, minus that rate
  const k = shapeOf(sug.lines, sug.chars);
  if (k >= 0) {
    const userRate = x[F.rateWithPrior];
    x[F.shapeRateVsUser] = (h.byShape[k + 1] + 3 * userRate) / (h.byShape[k] + 3) - userRate;
  }
  const text = sug.text;
  if (!text) return;
  const shape = suggestionShape(text, prefix, s);
  x[F.hasText] = 1;
  x[F.startsNewline] = shape.startsNewline ? 1 : 0;
  x[F.startsSpace] = shape.startsSpace ? 1 : 0;
  x[F.continuesWord] = s.lastClass === 0 && shape.startsWord ? 1 : 0;
  x[F.isComment] = shape.isComment ? 1 : 0;
  x[F.repeatsFirstLine] = shape.repeatsFirstLine ? 1 : 0;
  x[F.repeatShare] = shape.repeatShare;
  x[F.closesOpen] = shape.closesOpen ? 1 : 0;
  x[F.overCloses] = shape.overCloses ? 1 : 0;
  x[F.opensBlock] = shape.opensBlock ? 1 : 0;
  x[F.alnumShare] = shape.alnumShare;
  x[F.knownIdentShare] = shape.knownIdentShare;
  x[F.lineEcho] = shape.lineEcho ? 1 : 0;
  x[F.prevLineSimilarity] = shape.prevLineSimilarity;
  const prevText = h.lastShownText;
  if (prevText) {
    x[F.sameAsPrevSug] = prevText === text ? 1 : 0;
    x[F.prevSugContains] = prevText !== text && (prevText.includes(text) || text.includes(prevText)) ? 1 : 0;
  }
  x[F.recentSimilarity] = recentSimilarity(text, h);
}

const tokens = new Int32Array(MAX_TOKENS);
/** Highest token-set similarity of the suggestion to the user's last RECENT_DECIDED decided ones: near 1 when
 * much the same code was just offered (and dealt with) already. */
function recentSimilarity(text: string, h: GateHistory): number {
  const n = fillTokens(text, tokens);
  let best = 0;
  for (const t of h.decidedTokens) best = Math.max(best, jaccard(tokens, n, t));
  return best;
}
