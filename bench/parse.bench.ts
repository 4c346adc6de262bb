// Tree-sitter parse time vs incremental re-parse time after a one-character edit, for generated
// 5,000-line Python and JavaScript files; also the server's full path (an LSP change through the
// DocumentStore). Prints medians over repeated runs and the incremental/full ratio.
import { performance } from 'node:perf_hooks';
import { DocumentStore, editFor } from '../server/src/parse/documents';
import { createParser, type GrammarId } from '../server/src/parse/parser';
import { TextDocument } from 'vscode-languageserver-textdocument';

const lines = 5000;
const fullRuns = 20;
const incrementalRuns = 50;

function pythonSource(): string {
  const out: string[] = ['import math', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `class Shape${i}:`,
      `    def __init__(self, size):`,
      `        self.size = size * ${i}`,
      '',
      `    def area(self, factor=1.5):`,
      `        total = 0`,
      `        for k in range(self.size):`,
      `            total += math.sqrt(k) * factor  # accumulate`,
      `        return total if total > ${i} else -total`,
      '',
      `def helper_${i}(values):`,
      `    return [v * 2 for v in values if v % ${(i % 7) + 2} == 0]`,
      '',
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function javascriptSource(): string {
  const out: string[] = ["'use strict';", ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `class Shape${i} {`,
      `  constructor(size) { this.size = size * ${i}; }`,
      `  area(factor = 1.5) {`,
      `    let total = 0;`,
      `    for (let k = 0; k < this.size; k++) {`,
      `      total += Math.sqrt(k) * factor; // accumulate`,
      `    }`,
      `    return total > ${i} ? total : -total;`,
      `  }`,
      `}`,
      `const helper${i} = (values) => values.filter((v) => v % ${(i % 7) + 2} === 0).map((v) => v * 2);`,
      '',
    );
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function bench(grammar: GrammarId, text: string, store: DocumentStore): Promise<void> {
  const parser = await createParser(grammar);
  // The edit: one digit changed in the middle of the file (e.g. "size * 2" -> "size * 9").
  const at = text.indexOf('*', Math.floor(text.length / 2)) + 2;
  const edited = text.slice(0, at) + '9' + text.slice(at + 1);
  const doc = TextDocument.create('file:///bench', grammar, 1, text);
  const change = { range: { start: doc.positionAt(at), end: doc.positionAt(at + 1) }, text: '9' };
  const edit = editFor(doc, change);

  for (let i = 0; i < 3; i++) parser.parse(text)?.delete(); // warm-up
  const full: number[] = [];
  for (let i = 0; i < fullRuns; i++) {
    const t0 = performance.now();
    const tree = parser.parse(text);
    full.push(performance.now() - t0);
    tree?.delete();
  }

  // Each incremental run starts from a freshly parsed tree (parsed outside the timing).
  const incremental: number[] = [];
  for (let i = 0; i < incrementalRuns; i++) {
    const old = parser.parse(text)!;
    const t0 = performance.now();
    old.edit(edit);
    const tree = parser.parse(edited, old);
    incremental.push(performance.now() - t0);
    tree?.delete();
    old.delete();
  }
  parser.delete();

  // The server's path: successive LSP didChange notifications on one open document (text update, edit,
  // re-parse), each against the tree the previous change left.
  const uri = `file:///bench.${grammar}`;
  store.open(uri, grammar, 1, text);
  const throughStore: number[] = [];
  for (let i = 0; i < incrementalRuns; i++) {
    const digit = String(i % 10);
    const t0 = performance.now();
    store.change(uri, i + 2, [{ range: change.range, text: digit }]);
    throughStore.push(performance.now() - t0);
  }
  store.close(uri);

  const f = median(full);
  const inc = median(incremental);
  const srv = median(throughStore);
  console.log(`${grammar.padEnd(10)} ${lines} lines, ${(text.length / 1024).toFixed(0)} KiB`);
  console.log(`  full parse            median ${f.toFixed(2)} ms  (${fullRuns} runs)`);
  console.log(`  incremental re-parse  median ${inc.toFixed(3)} ms  (${incrementalRuns} runs, one-character edit)`);
  console.log(`  LSP change via store  median ${srv.toFixed(3)} ms  (text update + edit + re-parse)`);
  console.log(`  ratio incremental/full ${(inc / f).toFixed(3)}   store/full ${(srv / f).toFixed(3)}`);
}

async function main(): Promise<void> {
  const store = await DocumentStore.create();
  await bench('python', pythonSource(), store);
  await bench('javascript', javascriptSource(), store);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
