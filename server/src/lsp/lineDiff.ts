// Which lines of a file's earlier text a save changed, for test impact: the lines removed or replaced,
// and for lines only inserted, the two earlier lines they were inserted between (the code they join).
// Common head and tail are cut first; the rest is compared line by line (longest common subsequence).

export interface LineChanges {
  /** 1-based lines of the earlier text that were removed or replaced. */
  removed: number[];
  /** Pure insertions: the 1-based earlier lines just before and just after (0 or past the end at the edges). */
  insertedBetween: [number, number][];
}

/** Past this many compared line pairs the whole changed middle counts as replaced (bounded memory). */
const maxCells = 4_000_000;

export function lineChanges(before: string, after: string): LineChanges {
  const a = before.split(/\r?\n|\r/);
  const b = after.split(/\r?\n|\r/);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const out: LineChanges = { removed: [], insertedBetween: [] };
  const n = endA - start;
  const m = endB - start;
  if (!n && !m) return out;
  const pairs = n * m <= maxCells ? commonLines(a.slice(start, endA), b.slice(start, endB)) : [];
  pairs.push([n, m]);
  let i = 0;
  let j = 0;
  for (const [pi, pj] of pairs) {
    // Earlier lines i..pi-1 and later lines j..pj-1 (of the middle) form one hunk.
    if (pi > i) for (let k = i; k < pi; k++) out.removed.push(start + k + 1);
    else if (pj > j) out.insertedBetween.push([start + i, start + i + 1]);
    i = pi + 1;
    j = pj + 1;
  }
  return out;
}

/** Matched [earlier, later] line index pairs of a longest common subsequence, in order. */
function commonLines(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // suffix[i * width + j]: LCS length of a[i..] and b[j..]
  const suffix = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      suffix[i * width + j] = a[i] === b[j] ? suffix[(i + 1) * width + j + 1] + 1 : Math.max(suffix[(i + 1) * width + j], suffix[i * width + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { pairs.push([i, j]); i++; j++; } else if (suffix[(i + 1) * width + j] >= suffix[i * width + j + 1]) i++;
    else j++;
  }
  return pairs;
}
