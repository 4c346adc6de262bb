// Line diffs of a file's earlier and later text: the hunks (shared by test impact on save and by the verifier's
// test selection), and for test impact the lines removed or replaced plus, for lines only inserted, the two
// earlier lines they were inserted between (the code they join).

/** Rows (0-based) of the original, [from, to): replaced when to > from, else lines inserted before `from`. */
export interface Hunk {
  from: number;
  to: number;
  /** The new lines that take their place. */
  added: string[];
}

/**
 * The hunks turning `before` into `after`, line by line (longest common subsequence of the middle left after the
 * common head and tail). Past `maxCells` compared line pairs the whole middle is one hunk (bounded memory).
 */
export function lineHunks(before: string[], after: string[], maxCells = 250_000): Hunk[] {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const a = before.slice(p, before.length - s);
  const b = after.slice(p, after.length - s);
  if (!a.length && !b.length) return [];
  if (a.length * b.length > maxCells || !a.length || !b.length) return [{ from: p, to: p + a.length, added: b }];
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out: Hunk[] = [];
  let open: Hunk | undefined;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      open = undefined;
      i++; j++;
      continue;
    }
    if (!open) { open = { from: p + i, to: p + i, added: [] }; out.push(open); }
    if (j < b.length && (i >= a.length || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) open.added.push(b[j++]);
    else { i++; open.to = p + i; }
  }
  return out;
}

export interface LineChanges {
  /** 1-based lines of the earlier text that were removed or replaced. */
  removed: number[];
  /** Pure insertions: the 1-based earlier lines just before and just after (0 or past the end at the edges). */
  insertedBetween: [number, number][];
}

export function lineChanges(before: string, after: string): LineChanges {
  const out: LineChanges = { removed: [], insertedBetween: [] };
  for (const h of lineHunks(before.split(/\r?\n|\r/), after.split(/\r?\n|\r/), 4_000_000)) {
    if (h.to > h.from) for (let r = h.from; r < h.to; r++) out.removed.push(r + 1);
    else out.insertedBetween.push([h.from, h.from + 1]);
  }
  return out;
}
