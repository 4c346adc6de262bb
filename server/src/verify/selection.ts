// Test selection for candidates on large suites, from the per-test line coverage the localization recorded
// on the original code (no extra run): the passing tests whose coverage reaches the code a candidate edits.
// Conservative wherever coverage cannot tell: an edit outside any function, in a file no test ran or in code
// that loading the tests runs selects every test, and a test with no recorded lines is always selected.
import type { Tree } from 'web-tree-sitter';
import { createParser, grammarFor } from '../parse/parser';
import { lineHunks } from '../parse/lineDiff';
import { reachOf } from './editScope';

/** Per-test executed source lines of one observed run of the original code (as localization records them). */
export interface TestCoverage {
  tests: { id: string; lines: [string, number][] }[];
  /** Source lines run while the test files were loaded, before any test. */
  loadLines: [string, number][];
}

/** Selection pays only on suites larger than this: smaller ones keep running every test per candidate. */
export const SELECT_ABOVE = 40;

/** Selecting nearly every test saves little and costs a second run: such a candidate runs once, whole. */
const WORTH_IT = 0.75;

interface Original {
  lines: string[];
  starts: number[];
  tree: Tree | undefined;
}

export class TestSelection {
  /** Per file, per 0-based row: indices (into `passing`) of the tests that ran it. */
  private readonly rows = new Map<string, Map<number, number[]>>();
  private readonly load = new Map<string, Set<number>>();
  /** Passing tests with no recorded line: always run. */
  private readonly unrecorded: number[] = [];
  private readonly originals = new Map<string, Promise<Original>>();

  constructor(coverage: TestCoverage, private readonly passing: string[], private readonly read: (file: string) => string) {
    const byId = new Map(coverage.tests.map((t) => [t.id, t.lines]));
    passing.forEach((id, k) => {
      const lines = byId.get(id);
      if (!lines?.length) { this.unrecorded.push(k); return; }
      for (const [file, line] of lines) {
        let rows = this.rows.get(file);
        if (!rows) this.rows.set(file, rows = new Map());
        const at = rows.get(line - 1);
        if (!at) rows.set(line - 1, [k]);
        else if (at[at.length - 1] !== k) at.push(k);
      }
    });
    for (const [file, line] of coverage.loadLines) {
      if (!this.load.has(file)) this.load.set(file, new Set());
      this.load.get(file)!.add(line - 1);
    }
  }

  /** The passing tests to run on a candidate (full new texts per file), in baseline order; undefined: all. */
  async select(files: Record<string, string>): Promise<string[] | undefined> {
    const chosen = new Uint8Array(this.passing.length);
    for (const k of this.unrecorded) chosen[k] = 1;
    for (const [file, text] of Object.entries(files)) {
      const o = await this.original(file);
      const rows = this.rows.get(file);
      if (!o.tree || !rows) return undefined;
      const load = this.load.get(file);
      for (const h of lineHunks(o.lines, text.split('\n'))) {
        const reach = reachOf(o.tree, o.lines, o.starts, h, grammarFor(file) === 'python');
        if (!reach) return undefined;
        for (let r = reach.from; r <= reach.to; r++) {
          // Code the test files' loading runs (a helper called at import) reaches every test.
          if (r >= reach.body && load?.has(r)) return undefined;
          for (const k of rows.get(r) ?? []) chosen[k] = 1;
        }
      }
    }
    const out = this.passing.filter((_, k) => chosen[k]);
    return out.length > this.passing.length * WORTH_IT ? undefined : out;
  }

  dispose(): void {
    for (const o of this.originals.values()) void o.then((x) => x.tree?.delete());
    this.originals.clear();
  }

  private original(file: string): Promise<Original> {
    let o = this.originals.get(file);
    if (!o) {
      o = (async () => {
        const text = this.read(file);
        const lines = text.split('\n');
        const starts: number[] = [];
        for (let r = 0, at = 0; r < lines.length; r++) { starts.push(at); at += lines[r].length + 1; }
        const grammar = grammarFor(file);
        if (!grammar) return { lines, starts, tree: undefined };
        const parser = await createParser(grammar);
        const tree = parser.parse(text) ?? undefined;
        parser.delete();
        // A tree with errors may put statements in the wrong place: no selection in that file.
        if (tree?.rootNode.hasError) { tree.delete(); return { lines, starts, tree: undefined }; }
        return { lines, starts, tree };
      })();
      this.originals.set(file, o);
    }
    return o;
  }
}
