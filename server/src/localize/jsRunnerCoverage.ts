// Per-test line coverage inside a Jest or Vitest run: the source of a setup file the runner loads in each
// test file (Jest: setupFilesAfterEnv, Vitest: test.setupFiles). Around every test it resets and takes V8
// precise coverage through node:inspector and maps the executed byte offsets to source lines, through the
// inline source map the runner's transform leaves (vite-node, babel-jest, ts-jest). Records are JSON lines:
// {kind: 'load'|'test', file, titles?|name?, lines: [[file, line]]}. Used by localization; reusable by any
// caller that wants per-test lines (config: LOOPWISE_COVERAGE names a JSON file {root, sources, out}).

export type CoverageRunner = 'jest' | 'vitest';

export interface CoverageSetupConfig {
  root: string;
  /** Workspace-relative source files whose lines are recorded. */
  sources: string[];
  /** JSON lines file the records are appended to. */
  out: string;
}

/** One record the setup file writes: the lines a test ran, or those run while its file loaded. */
export interface CoverageRecord {
  kind: 'load' | 'test';
  /** Workspace-relative test file. */
  file: string;
  /** Vitest: the test's titles (describe blocks, then the test). */
  titles?: string[];
  /** Jest: the test's titles joined by spaces (expect.getState().currentTestName). */
  name?: string;
  lines: [string, number][];
}

/** The key a record and a runner's result share: file and titles joined by spaces (Jest gives no more). */
export function coverageKey(file: string, titles: string[] | string): string {
  return `${file}\0${Array.isArray(titles) ? titles.join(' ') : titles}`;
}

const prelude: Record<CoverageRunner, string> = {
  vitest: String.raw`import fs from 'node:fs';
import path from 'node:path';
import inspector from 'node:inspector';
import { beforeEach, afterEach, afterAll } from 'vitest';
const testOf = (ctx) => {
  const titles = [];
  for (let t = ctx.task; t && !('filepath' in t); t = t.suite) titles.unshift(t.name);
  return { path: ctx.task.file.filepath, titles };
};
const lwBeforeEach = (fn) => beforeEach((ctx) => fn(ctx));
const lwAfterEach = (fn) => afterEach((ctx) => fn(ctx));
`,
  jest: String.raw`'use strict';
const fs = require('fs');
const path = require('path');
const inspector = require('inspector');
const testOf = () => ({ path: expect.getState().testPath, name: expect.getState().currentTestName });
// A Jest hook that takes an argument waits for its done callback.
const lwBeforeEach = (fn) => beforeEach(() => fn());
const lwAfterEach = (fn) => afterEach(() => fn());
`,
};

const body = String.raw`
const lwCfg = JSON.parse(fs.readFileSync(process.env.LOOPWISE_COVERAGE, 'utf8'));
const lwRoot = fs.realpathSync(lwCfg.root);
const lwSources = new Map();
for (const rel of lwCfg.sources) {
  const abs = path.join(lwRoot, rel);
  lwSources.set(abs, rel);
  lwSources.set('file://' + abs, rel);
}
const lwSession = new inspector.Session();
lwSession.connect();
// Inspector calls on the session of this thread answer synchronously.
function lwPost(method, params) {
  let result, error;
  lwSession.post(method, params || {}, (e, r) => { error = e; result = r; });
  if (error) throw error;
  return result;
}
lwPost('Profiler.enable');
lwPost('Debugger.enable');
lwPost('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function decodeMappings(text) {
  const lines = [];
  const state = [0, 0, 0, 0];
  for (const line of text.split(';')) {
    const segments = [];
    state[0] = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const fields = [];
      let value = 0, shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) { shift += 5; continue; }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0; shift = 0;
      }
      for (let i = 0; i < fields.length && i < 4; i++) state[i] += fields[i];
      if (fields.length >= 4) segments.push([state[0], state[1], state[2], state[3]]);
    }
    lines.push(segments);
  }
  return lines;
}
function lineStartsOf(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}
// For each source line, the offset in the running script of its first mapped position: the line ran when
// that position did (as the node:test harness reads a line from its first non-blank character).
function probesOf(abs, code) {
  const starts = lineStartsOf(code);
  // The last inline map (vite-node writes a marker comment after it).
  const m = [...code.matchAll(/\/\/[#@] sourceMappingURL=data:application\/json[^,]*;base64,([A-Za-z0-9+/=]+)/g)].pop();
  if (m) {
    let map;
    try { map = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')); } catch (e) { map = null; }
    if (map && typeof map.mappings === 'string') {
      const dir = path.dirname(abs);
      const own = (map.sources || []).map((s) => map.sources.length === 1 || path.resolve(dir, map.sourceRoot || '', String(s).replace(/^file:\/\//, '')) === abs);
      const first = new Map();
      decodeMappings(map.mappings).forEach((segments, genLine) => {
        for (const [genCol, src, line, col] of segments) {
          if (!own[src] || genLine >= starts.length) continue;
          const prev = first.get(line);
          if (!prev || col < prev.col) first.set(line, { col, offset: starts[genLine] + genCol });
        }
      });
      return [...first].map(([line, p]) => [line + 1, p.offset]);
    }
  }
  const probes = [];
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] : code.length;
    let k = start;
    while (k < end && /\s/.test(code[k])) k++;
    if (k < end) probes.push([i + 1, k]);
  });
  return probes;
}
const lwScripts = new Map();
function lwCovered() {
  const lines = [];
  for (const script of lwPost('Profiler.takePreciseCoverage').result) {
    const rel = lwSources.get(script.url);
    if (!rel) continue;
    let probes = lwScripts.get(script.scriptId);
    if (!probes) {
      let code = '';
      try { code = lwPost('Debugger.getScriptSource', { scriptId: script.scriptId }).scriptSource; } catch (e) { /* gone */ }
      probes = probesOf(path.join(lwRoot, rel), code);
      lwScripts.set(script.scriptId, probes);
    }
    const ranges = script.functions.flatMap((f) => f.ranges).sort((x, y) => x.startOffset - y.startOffset || y.endOffset - x.endOffset);
    const end = ranges.reduce((a, r) => Math.max(a, r.endOffset), 0);
    const counts = new Int32Array(end + 1);
    for (const r of ranges) counts.fill(r.count, r.startOffset, r.endOffset);
    const seen = new Set();
    for (const [line, offset] of probes) {
      if (counts[offset] > 0 && !seen.has(line)) { seen.add(line); lines.push([rel, line]); }
    }
  }
  return lines;
}
const lwOut = fs.openSync(lwCfg.out, 'a');
const lwEmit = (record) => fs.writeSync(lwOut, JSON.stringify(record) + '\n');
const lwRel = (file) => path.relative(lwRoot, fs.realpathSync(file)).split(path.sep).join('/');
let lwLoaded = false;
lwBeforeEach((ctx) => {
  const lines = lwCovered();
  if (lwLoaded) return;
  lwLoaded = true;
  // What ran before the first test of this file: the file's imports and top-level code.
  lwEmit({ kind: 'load', file: lwRel(testOf(ctx).path), lines });
});
lwAfterEach((ctx) => {
  const t = testOf(ctx);
  lwEmit({ kind: 'test', file: lwRel(t.path), titles: t.titles, name: t.name, lines: lwCovered() });
});
afterAll(() => { fs.closeSync(lwOut); lwSession.disconnect(); });
`;

/** The setup file's source for a runner (an ES module for Vitest, CommonJS for Jest). */
export function coverageSetupSource(runner: CoverageRunner): string {
  return prelude[runner] + body;
}
