// Cheap lexical stand-ins for syntax facts the gate wants at the cursor (inside a string or comment, bracket depth,
// what kind of line is being typed) and for the suggestion's shape (does it repeat the prefix, does it close
// what is open). One pass over at most a few thousand characters, no regular expressions; results are written
// into reused objects because this runs on every keystroke that might trigger a suggestion.

export interface PrefixScan {
  python: boolean;
  /** Class of the last character: 0 word, 1 space, 2 newline, 3 open bracket, 4 close, 5 comma, 6 colon,
   * 7 equals, 8 dot, 9 quote, 10 other. */
  lastClass: number;
  /** Length of the identifier the cursor is in the middle of (0 after a non-word character). */
  wordLen: number;
  /** Class of the last character that is not whitespace (same codes). */
  nonSpaceClass: number;
  lineLen: number;
  indent: number;
  lineBlank: boolean;
  prevLineLen: number;
  prevLineColon: boolean;
  prevLineBlank: boolean;
  /** The nearest non-blank line above the cursor's line: trimmed bounds, and whether it is a comment. */
  prevCodeFrom: number;
  prevCodeTo: number;
  prevCodeComment: boolean;
  /** Where the cursor's line starts after its indentation. */
  lineTextStart: number;
  /** Consecutive blank lines just above the cursor's line. */
  blankLines: number;
  inString: boolean;
  inComment: boolean;
  depth: number;
  /** 0 def/class/function, 1 control flow, 2 return, 3 import, 4 call, 5 assignment, 6 none. */
  lineKind: number;
}

export interface SuggestionShape {
  startsNewline: boolean;
  startsSpace: boolean;
  startsWord: boolean;
  isComment: boolean;
  repeatsFirstLine: boolean;
  repeatShare: number;
  closesOpen: boolean;
  overCloses: boolean;
  opensBlock: boolean;
  /** Share of the non-blank characters that are letters, digits or underscores. */
  alnumShare: number;
  /** Share of the identifiers (3+ characters) that already occur in the prefix. */
  knownIdentShare: number;
  /** The cursor's line completed by the suggestion's first line already occurs in the prefix. */
  lineEcho: boolean;
  /** Common-prefix ratio of that completed line with the nearest non-blank line above. */
  prevLineSimilarity: number;
}

const scan: PrefixScan = {
  python: false, lastClass: 2, wordLen: 0, nonSpaceClass: 2, lineLen: 0, indent: 0, lineBlank: true, prevLineLen: 0,
  prevLineColon: false, prevLineBlank: true, prevCodeFrom: 0, prevCodeTo: 0, prevCodeComment: false, lineTextStart: 0, blankLines: 0, inString: false, inComment: false, depth: 0, lineKind: 6,
};
const shape: SuggestionShape = {
  startsNewline: false, startsSpace: false, startsWord: false, isComment: false, repeatsFirstLine: false,
  repeatShare: 0, closesOpen: false, overCloses: false, opensBlock: false, alnumShare: 0, knownIdentShare: 0,
  lineEcho: false, prevLineSimilarity: 0,
};

const SCAN_CHARS = 600;

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isBlank = (c: number) => c === 32 || c === 9 || c === 13;
const isOpen = (c: number) => c === 40 || c === 91 || c === 123;
const isClose = (c: number) => c === 41 || c === 93 || c === 125;

export function charClass(c: number): number {
  if (isWord(c)) return 0;
  if (c === 32 || c === 9) return 1;
  if (c === 10 || c === 13 || Number.isNaN(c)) return 2;
  if (isOpen(c)) return 3;
  if (isClose(c)) return 4;
  switch (c) {
    case 44: return 5;
    case 58: return 6;
    case 61: return 7;
    case 46: return 8;
    case 34: case 39: case 96: return 9;
    default: return 10;
  }
}

const KEYWORDS: ReadonlyArray<readonly [string, number]> = [
  ['def ', 0], ['class ', 0], ['async def ', 0], ['function ', 0], ['export ', 0],
  ['for ', 1], ['while ', 1], ['if ', 1], ['elif ', 1], ['else', 1], ['with ', 1], ['try', 1], ['except', 1],
  ['return', 2], ['yield', 2], ['import ', 3], ['from ', 3],
];

/** Scans the text before the cursor. The result object is reused by the next call. */
export function scanPrefix(p: string, lang: string): PrefixScan {
  const python = lang === 'python' || lang === '';
  let depth = 0, quote = 0, triple = false, comment = false;
  // the string/comment/bracket state of the last SCAN_CHARS characters: enough for the cursor's statement
  for (let i = Math.max(0, p.length - SCAN_CHARS); i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (comment) { if (c === 10) comment = false; continue; }
    if (quote) {
      if (c === 92) i++;
      else if (c === quote) {
        if (!triple) quote = 0;
        else if (p.charCodeAt(i + 1) === c && p.charCodeAt(i + 2) === c) { quote = 0; i += 2; }
      } else if (c === 10 && !triple) quote = 0;
      continue;
    }
    if (c === 34 || c === 39 || c === 96) {
      triple = p.charCodeAt(i + 1) === c && p.charCodeAt(i + 2) === c;
      quote = c;
      if (triple) i += 2;
    } else if (python ? c === 35 : c === 47 && p.charCodeAt(i + 1) === 47) comment = true;
    else if (isOpen(c)) depth++;
    else if (isClose(c) && depth > 0) depth--;
  }
  scan.python = python;
  scan.depth = depth;
  scan.inString = quote !== 0;
  scan.inComment = comment;
  scan.lastClass = charClass(p.charCodeAt(p.length - 1));
  let k = p.length - 1;
  while (k >= 0 && k > p.length - 40 && isWord(p.charCodeAt(k))) k--;
  scan.wordLen = p.length - 1 - k;
  k = p.length - 1;
  while (k >= 0 && (isBlank(p.charCodeAt(k)) || p.charCodeAt(k) === 10)) k--;
  scan.nonSpaceClass = k >= 0 ? charClass(p.charCodeAt(k)) : 2;

  const lastNL = p.lastIndexOf('\n');
  const start = lastNL + 1;
  scan.lineLen = p.length - start;
  let j = start, indent = 0;
  for (; j < p.length && isBlank(p.charCodeAt(j)); j++) indent += p.charCodeAt(j) === 9 ? 4 : 1;
  scan.indent = indent;
  scan.lineBlank = j === p.length;
  scan.lineKind = lineKind(p, j);
  scan.lineTextStart = j;

  scan.prevLineLen = 0; scan.prevLineColon = false; scan.prevLineBlank = true; scan.blankLines = 0;
  scan.prevCodeFrom = 0; scan.prevCodeTo = 0; scan.prevCodeComment = false;
  if (lastNL > 0) {
    let end = lastNL, blanks = 0, first = true;
    while (end > 0) {
      const from = p.lastIndexOf('\n', end - 1) + 1;
      let e = end - 1;
      while (e >= from && isBlank(p.charCodeAt(e))) e--;
      const blank = e < from;
      if (first) {
        scan.prevLineLen = end - from;
        scan.prevLineBlank = blank;
        scan.prevLineColon = !blank && (p.charCodeAt(e) === 58 || p.charCodeAt(e) === 123);
        first = false;
      }
      if (!blank) {
        let a = from;
        while (a < e && isBlank(p.charCodeAt(a))) a++;
        scan.prevCodeFrom = a;
        scan.prevCodeTo = e + 1;
        scan.prevCodeComment = python ? p.charCodeAt(a) === 35 : p.charCodeAt(a) === 47 && p.charCodeAt(a + 1) === 47;
        break;
      }
      if (blanks >= 20 || from === 0) break;
      blanks++;
      end = from - 1;
    }
    scan.blankLines = blanks;
  }
  return scan;
}

function lineKind(p: string, at: number): number {
  if (at >= p.length) return 6;
  for (const [word, kind] of KEYWORDS) if (p.startsWith(word, at)) return kind;
  let call = false;
  for (let i = at; i < p.length && i < at + 300; i++) {
    const c = p.charCodeAt(i);
    if (c === 61 && p.charCodeAt(i + 1) !== 61 && !'=!<>'.includes(p[i - 1])) return 5;
    if (c === 40) call = true;
  }
  return call ? 4 : 6;
}

/** Describes a suggestion relative to the prefix scanned just before (pass that scan). Reused result object. */
export function suggestionShape(text: string, prefix: string, s: PrefixScan): SuggestionShape {
  const c0 = text.charCodeAt(0);
  shape.startsNewline = c0 === 10 || c0 === 13;
  shape.startsSpace = c0 === 32 || c0 === 9;
  shape.startsWord = isWord(c0);
  let f = 0;
  while (f < text.length && (isBlank(text.charCodeAt(f)) || text.charCodeAt(f) === 10)) f++;
  shape.isComment = s.python ? text.charCodeAt(f) === 35 : text.charCodeAt(f) === 47 && text.charCodeAt(f + 1) === 47;

  let checked = 0, found = 0, firstFound = false, from = 0;
  for (let line = 0; line < 8 && from < text.length; line++) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    let a = from, b = to;
    while (a < b && isBlank(text.charCodeAt(a))) a++;
    while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
    if (b - a >= 6) {
      const hit = prefix.includes(text.slice(a, b));
      if (checked === 0) firstFound = hit;
      checked++;
      if (hit) found++;
    }
    from = to + 1;
  }
  shape.repeatsFirstLine = firstFound;
  shape.repeatShare = checked ? found / checked : 0;

  let d = s.depth, min = s.depth, last = 0;
  for (let i = 0; i < text.length && i < 4000; i++) {
    const c = text.charCodeAt(i);
    if (isOpen(c)) d++;
    else if (isClose(c)) { d--; if (d < min) min = d; }
    if (!isBlank(c) && c !== 10) last = c;
  }
  shape.overCloses = min < 0;
  shape.closesOpen = s.depth > 0 && d < s.depth && min >= 0;
  shape.opensBlock = last === 58 || last === 123;
  identifiers(text, prefix);
  echo(text, prefix, s);
  return shape;
}

function identifiers(text: string, prefix: string): void {
  let word = 0, nonBlank = 0, idents = 0, known = 0;
  for (let i = 0; i < text.length && i < 2000;) {
    const c = text.charCodeAt(i);
    if (isWord(c)) {
      let e = i + 1;
      while (e < text.length && isWord(text.charCodeAt(e))) e++;
      word += e - i; nonBlank += e - i;
      if (e - i >= 3 && !(c >= 48 && c <= 57) && idents < 16) { idents++; if (prefix.includes(text.slice(i, e))) known++; }
      i = e;
    } else {
      if (!isBlank(c) && c !== 10) nonBlank++;
      i++;
    }
  }
  shape.alnumShare = nonBlank ? word / nonBlank : 0;
  shape.knownIdentShare = idents ? known / idents : 0;
}

/** The cursor's line as the suggestion would complete it, compared with the text above. */
function echo(text: string, p: string, s: PrefixScan): void {
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  const head = p.length - s.lineTextStart;
  const len = head + end;
  const at = (k: number) => (k < head ? p.charCodeAt(s.lineTextStart + k) : text.charCodeAt(k - head));
  shape.lineEcho = end > 0 && len >= 8 && p.lastIndexOf(p.slice(s.lineTextStart) + text.slice(0, end), s.lineTextStart - 1) >= 0;
  const prevLen = s.prevCodeTo - s.prevCodeFrom;
  let k = 0;
  while (k < len && k < prevLen && at(k) === p.charCodeAt(s.prevCodeFrom + k)) k++;
  shape.prevLineSimilarity = len && prevLen ? k / Math.max(len, prevLen) : 0;
}
