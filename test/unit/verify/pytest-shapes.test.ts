// The Python worker calls plain test functions directly and leaves everything else to pytest: whichever
// way a test runs, its outcome and failure message must be what pytest itself says (fixtures, indirect
// parametrization, skips, xfail marks, classes, hooks of a conftest.py), for the original and for a
// candidate.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Verifier } from '../../../server/src/verify/verifier';

const source = 'def double(x):\n    return x + x + 1\n';
const tests = `import pytest
from calc import double

@pytest.fixture
def two():
    return 2

@pytest.fixture
def number(request):
    return request.param * 10

def test_plain():
    assert double(3) == 6

@pytest.mark.parametrize('x, want', [(1, 2), (0, 0)])
def test_param(x, want):
    assert double(x) == want

def test_fixture(two):
    assert double(two) == 4

@pytest.mark.parametrize('number', [1], indirect=True)
def test_indirect(number):
    assert double(number) == 20

def test_skip_inside():
    pytest.skip('not today')

@pytest.mark.xfail(strict=True)
def test_expected_to_fail():
    assert double(1) == 2

class TestClass:
    def test_method(self):
        assert double(5) == 10

def test_raises():
    raise ValueError('bad value %d' % double(1))
`;

// A conftest.py whose setup hook the test depends on: calling the test directly would skip it.
const hookedConftest = `import os

def pytest_runtest_setup(item):
    os.environ['CONFTEST_SETUP'] = 'ran'

def pytest_runtest_teardown(item):
    os.environ.pop('CONFTEST_SETUP', None)
`;
const hookedTests = `import os

def test_setup_hook_ran():
    assert os.environ.get('CONFTEST_SETUP') == 'ran'
`;

describe('verify: Python tests of every shape', function () {
  this.timeout(60000);
  let dir: string;
  let v: Verifier;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loopwise-shapes-'));
    writeFileSync(join(dir, 'calc.py'), source);
    writeFileSync(join(dir, 'test_calc.py'), tests);
    mkdirSync(join(dir, 'hooked'));
    writeFileSync(join(dir, 'hooked', 'conftest.py'), hookedConftest);
    writeFileSync(join(dir, 'hooked', 'test_hooked.py'), hookedTests);
    v = await Verifier.open({ root: dir, language: 'python', sources: ['calc.py'], tests: ['test_calc.py', 'hooked/conftest.py', 'hooked/test_hooked.py'] }, { workers: 1 });
  });

  after(async () => {
    await v?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each outcome as pytest does on the original', () => {
    const status = Object.fromEntries(v.baseline.outcomes.filter((t) => t.id.startsWith('test_calc.py::')).map((t) => [t.id.replace('test_calc.py::', ''), t.status]));
    assert.deepEqual(status, {
      'test_plain': 'failed', 'test_param[1-2]': 'failed', 'test_param[0-0]': 'failed', 'test_fixture': 'failed',
      'test_indirect[1]': 'failed', 'test_skip_inside': 'skipped', 'test_expected_to_fail': 'skipped',
      'TestClass::test_method': 'failed', 'test_raises': 'failed',
    });
    const raises = v.baseline.outcomes.find((t) => t.id.endsWith('test_raises')) as { message?: string };
    assert.equal(raises.message, 'ValueError: bad value 3');
  });

  it('judges a candidate test by test as pytest does', async () => {
    const fixed = await v.verify({ 'calc.py': 'def double(x):\n    return x + x\n' }, { failFast: false });
    const status = Object.fromEntries(fixed.tests.filter((t) => t.id.startsWith('test_calc.py::')).map((t) => [t.id.replace('test_calc.py::', ''), t.status]));
    assert.deepEqual(status, {
      'test_plain': 'passed', 'test_param[1-2]': 'passed', 'test_param[0-0]': 'passed', 'test_fixture': 'passed',
      'test_indirect[1]': 'passed', 'test_skip_inside': 'skipped', 'test_expected_to_fail': 'failed',
      'TestClass::test_method': 'passed', 'test_raises': 'failed',
    }, 'a strict xfail test that passes fails, as in pytest');
    assert.equal(fixed.status, 'failed');
  });

  it('calls plain tests directly, and leaves tests hooked by a conftest.py to pytest', async () => {
    assert.ok(v.baseline.direct.includes('test_calc.py::test_plain'), `direct: ${v.baseline.direct.join(', ')}`);
    assert.ok(v.baseline.direct.includes('test_calc.py::test_param[1-2]'));
    assert.ok(!v.baseline.direct.includes('test_calc.py::test_fixture'));
    const hooked = 'hooked/test_hooked.py::test_setup_hook_ran';
    assert.ok(!v.baseline.direct.includes(hooked));
    assert.ok(v.baseline.passing.includes(hooked), 'the conftest hook ran before the test');
    const fixed = await v.verify({ 'calc.py': 'def double(x):\n    return x + x\n' }, { failFast: false });
    assert.equal(fixed.tests.find((t) => t.id === hooked)?.status, 'passed', JSON.stringify(fixed.tests.find((t) => t.id === hooked)));
  });
});
