// Where a benchmark task's bug is, for scoring a localization: the first workspace line that the
// task's fixed/ version changes or deletes. Blank lines, comments and indentation are ignored.
// When the first change only inserts lines, both neighbouring workspace lines count (a fault of
// omission has no line of its own; either neighbour is where a developer would look).
import type { SuspiciousLine } from '../../../common/localize';

export interface BugLocation {
  file: string;
  /** Workspace lines any of which counts as the bug line (one, or the two neighbours of an insertion). */
  lines: number[];
}

/** The line without a trailing comment (a marker outside string quotes). */
function stripComment(line: string, marker: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (line.startsWith(marker, i)) return line.slice(0, i);
  }
  return line;
}

export function bugLines(file: string, workspaceText: string, fixedText: string): BugLocation | undefined {
  const marker = file.endsWith('.py') ? '#' : '//';
  const code = (text: string) => text.split('\n').map((t, i) => ({ line: i + 1, text: stripComment(t, marker).trim() })).filter((l) => l.text !== '');
  const before = code(workspaceText);
  const after = code(fixedText);
  // Scan for the first difference rather than diffing whole files: a fixed file that appends an
  // alternative version of the code would otherwise make an LCS diff pair the bug with the appendix.
  let k = 0;
  while (k < before.length && k < after.length && before[k].text === after[k].text) k++;
  if (k === before.length && k === after.length) return undefined;
  const inserted = (n: number) => after.slice(k + n, k + n + 2).every((l, i) => l.text === before[k + i]?.text) && k + n < after.length;
  const insertedLines = [1, 2, 3].find((n) => k < before.length && inserted(n));
  if (k >= before.length || insertedLines !== undefined) {
    const neighbours = [before[k - 1]?.line, before[k]?.line].filter((l): l is number => l !== undefined);
    return neighbours.length ? { file, lines: neighbours } : undefined;
  }
  return { file, lines: [before[k].line] };
}

/** 1-based rank of the bug in a ranking, or undefined when the ranking does not contain it. */
export function rankOfBug(ranking: SuspiciousLine[], bug: BugLocation): number | undefined {
  const hit = ranking.find((l) => l.file === bug.file && bug.lines.includes(l.line));
  return hit?.rank;
}
