// Real-size projects for the run-tests bench, written into a temporary folder: a pure-Python package and a
// node:test package, each with many modules of small functions (comparisons, loops, string and list work)
// and a few hundred tests, plus a conftest.py and tests that write temporary files. `inject` plants one
// `<` -> `<=` bug for the fix search's throughput.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LargeProject {
  root: string;
  tests: number;
  /** A source file and the text that plants a bug in it. */
  bug: { file: string; from: string; to: string };
}

const pyModule = (m: number) => `"""Module ${m}: small helpers."""


def clamp_${m}(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def count_below_${m}(values, limit):
    n = 0
    for v in values:
        if v < limit:
            n += 1
    return n


def join_words_${m}(words, sep="-"):
    return sep.join(w.strip().lower() for w in words if w.strip())


def running_max_${m}(values):
    out, best = [], None
    for v in values:
        best = v if best is None or v > best else best
        out.append(best)
    return out
`;

const pyTests = (m: number) => `import os
import tempfile
import pytest
from pkg.mod${m} import clamp_${m}, count_below_${m}, join_words_${m}, running_max_${m}


@pytest.mark.parametrize("x,expected", [(-5, 0), (0, 0), (5, 5), (10, 10), (15, 10)])
def test_clamp(x, expected):
    assert clamp_${m}(x, 0, 10) == expected


@pytest.mark.parametrize("limit,expected", [(0, 0), (3, 2), (10, 5)])
def test_count_below(limit, expected):
    assert count_below_${m}([1, 2, 3, 4, 5], limit) == expected


def test_join_words():
    assert join_words_${m}([" A", "b ", " "]) == "a-b"


def test_running_max():
    assert running_max_${m}([1, 3, 2, 5]) == [1, 3, 3, 5]


def test_writes_a_temporary_file(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text(join_words_${m}(["x", "y"]))
    assert p.read_text() == "x-y"


def test_named_temporary_file(base):
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(str(base))
    assert os.path.getsize(f.name) > 0
`;

const jsModule = (m: number) => `// Module ${m}: small helpers.
function clamp(x, lo, hi) {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}

function countBelow(values, limit) {
  let n = 0;
  for (const v of values) {
    if (v < limit) n += 1;
  }
  return n;
}

function joinWords(words, sep = '-') {
  return words.map((w) => w.trim().toLowerCase()).filter(Boolean).join(sep);
}

function runningMax(values) {
  const out = [];
  let best;
  for (const v of values) {
    best = best === undefined || v > best ? v : best;
    out.push(best);
  }
  return out;
}

module.exports = { clamp, countBelow, joinWords, runningMax };
`;

const jsTests = (m: number) => `const test = require('node:test');
const assert = require('node:assert/strict');
const { clamp, countBelow, joinWords, runningMax } = require('../lib/mod${m}');

for (const [x, expected] of [[-5, 0], [0, 0], [5, 5], [10, 10], [15, 10]]) {
  test('clamp ' + x, () => assert.equal(clamp(x, 0, 10), expected));
}
for (const [limit, expected] of [[0, 0], [3, 2], [10, 5]]) {
  test('countBelow ' + limit, () => assert.equal(countBelow([1, 2, 3, 4, 5], limit), expected));
}
test('joinWords', () => assert.equal(joinWords([' A', 'b ', ' ']), 'a-b'));
test('runningMax', () => assert.deepEqual(runningMax([1, 3, 2, 5]), [1, 3, 3, 5]));
`;

export function writePythonProject(dir: string, modules = 40): LargeProject {
  mkdirSync(join(dir, 'pkg'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  writeFileSync(join(dir, 'tests', 'conftest.py'), 'import pytest\n\n\n@pytest.fixture\ndef base():\n    return 7\n');
  for (let m = 0; m < modules; m++) {
    writeFileSync(join(dir, 'pkg', `mod${m}.py`), pyModule(m));
    writeFileSync(join(dir, 'tests', `test_mod${m}.py`), pyTests(m));
  }
  return { root: dir, tests: modules * 12, bug: { file: 'pkg/mod7.py', from: '        if v < limit:', to: '        if v <= limit:' } };
}

export function writeNodeProject(dir: string, modules = 40): LargeProject {
  mkdirSync(join(dir, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'large-node', private: true, scripts: { test: 'node --test' } }));
  for (let m = 0; m < modules; m++) {
    writeFileSync(join(dir, 'lib', `mod${m}.js`), jsModule(m));
    writeFileSync(join(dir, 'test', `mod${m}.test.js`), jsTests(m));
  }
  return { root: dir, tests: modules * 10, bug: { file: 'lib/mod7.js', from: '    if (v < limit) n += 1;', to: '    if (v <= limit) n += 1;' } };
}
