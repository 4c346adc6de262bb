// Verification throughput: real repair candidates (every mutation and synthesis edit on a HumanEval-sized
// Python task) judged by the warm workers, against a cold sandboxed `python -m pytest` per candidate, in the
// same run. Prints candidates/s for both and the ratio. Usage: node --import tsx bench/repair.bench.ts [task-dir]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createParser, grammarFor } from '../server/src/parse/parser';
import { applyEdits, type SourceFile } from '../server/src/repair/edits';
import { mutationsAt } from '../server/src/repair/mutate';
import { synthesisAt } from '../server/src/repair/synthesize';
import { loadTask } from '../server/src/repair/task';
import { scrubbedEnv } from '../server/src/run/env';
import { makeScratchCopy, runSandboxed, sandboxKind } from '../server/src/run/sandbox';
import { findPython } from '../server/src/run/toolchain';
import { Verifier } from '../server/src/verify/verifier';

const suites = join(__dirname, '..', '..', 'shared', 'benchmarks', 'suites');
const taskDir = process.argv[2] ?? join(suites, 'intropynus-dev', 'intropynus-q1-wrong_1_022');

async function candidates(file: string, text: string): Promise<string[]> {
  const parser = await createParser(grammarFor(file)!);
  const tree = parser.parse(text)!;
  const src: SourceFile = { file, text, tree, grammar: 'python', python: true };
  const seen = new Set<string>();
  const out: string[] = [];
  for (let line = 1; line <= text.split('\n').length; line++) {
    for (const e of [...mutationsAt(src, line), ...synthesisAt(src, line)]) {
      const t = applyEdits(text, [e]);
      if (seen.has(t)) continue;
      seen.add(t);
      const check = parser.parse(t);
      if (check && !check.rootNode.hasError) out.push(t);
      check?.delete();
    }
  }
  return out;
}

async function main(): Promise<void> {
  if (!existsSync(taskDir)) {
    console.error(`benchmark task not found: ${taskDir} (the shared benchmark suites are needed: ../shared/benchmarks/suites)`);
    process.exit(1);
  }
  const task = loadTask(taskDir);
  const file = task.sources[0];
  const text = readFileSync(join(task.root, file), 'utf8');
  const all = await candidates(file, text);
  console.log(`task ${task.id}: ${all.length} distinct parsing candidates; ${cpus().length} cores; sandbox ${sandboxKind()}`);

  const t0 = Date.now();
  const v = await Verifier.open(task);
  const openMs = Date.now() - t0;
  const counts: Record<string, number> = {};
  let next = 0;
  const started = Date.now();
  const limitMs = 15000;
  await Promise.all(Array.from({ length: v.size }, async () => {
    while (next < all.length && Date.now() - started < limitMs) {
      const verdict = await v.verify({ [file]: all[next++] });
      counts[verdict.status] = (counts[verdict.status] ?? 0) + 1;
    }
  }));
  const warmS = (Date.now() - started) / 1000;
  const warmRate = next / warmS;
  console.log(`warm workers (${v.size}): ${next} candidates in ${warmS.toFixed(2)} s = ${warmRate.toFixed(1)} candidates/s ` +
    `(open + baseline ${openMs} ms; verdicts ${JSON.stringify(counts)})`);
  await v.close();

  const py = await findPython(task.root);
  if (!py?.pytest) throw new Error('python3 with pytest is needed for the cold baseline');
  const scratch = await makeScratchCopy(task.root);
  try {
    const env = scrubbedEnv(scratch.homeDir, scratch.tmpDir, { PYTHONDONTWRITEBYTECODE: '1' });
    const sample = all.slice(0, 8);
    const coldStart = Date.now();
    for (const cand of sample) {
      writeFileSync(join(scratch.workspace, file), cand);
      await runSandboxed(py.executable, ['-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider'], {
        cwd: scratch.workspace, writable: [scratch.dir], readOnly: py.paths, timeoutMs: 60000, env,
      });
    }
    const coldS = (Date.now() - coldStart) / 1000;
    const coldRate = sample.length / coldS;
    console.log(`cold python -m pytest per candidate (same sandbox): ${sample.length} candidates in ${coldS.toFixed(2)} s = ${coldRate.toFixed(2)} candidates/s`);
    console.log(`warm / cold: ${(warmRate / coldRate).toFixed(0)}x`);
  } finally {
    await scratch.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
