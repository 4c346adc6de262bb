// The Python shared by the two test drivers Loopwise writes into the scratch folder (pytestPlugin.ts and
// unittestRunner.ts): the JSON-lines results stream, the per-test alarm, value capture for assertEqual
// and the syntax check. Each driver's source starts with it, so the two speak one protocol by construction.
export const pythonPrelude = String.raw`
import json, os, signal
import unittest

_out = open(os.environ['LOOPWISE_RESULTS'], 'a', encoding='utf-8')
_hang = open(os.environ['LOOPWISE_RESULTS'] + '.hang', 'w')
_timeout = float(os.environ.get('LOOPWISE_TEST_TIMEOUT', '10'))
# The failing comparison's (actual, expected) reprs under 'values', cleared when a test starts.
_compare = {}


def _emit(obj):
    _out.write(json.dumps(obj, default=repr) + '\n')
    _out.flush()


def _short(value, limit=2000):
    try:
        text = repr(value)
    except Exception as e:
        text = '<repr failed: %s>' % e
    return text if len(text) <= limit else text[:limit] + '...'


class LoopwiseTimeout(BaseException):
    """Raised by the per-test alarm; a BaseException so that 'except Exception' in user code cannot swallow it."""


def _alarm(signum, frame):
    raise LoopwiseTimeout('test timed out after %g s' % _timeout)


def _patch_assert_equal():
    # Keep assertEqual's two values as actual/expected (unittest-style tests, also when run under pytest).
    original = unittest.TestCase.assertEqual

    def assertEqual(self, first, second, msg=None):
        try:
            original(self, first, second, msg)
        except AssertionError:
            _compare['values'] = (_short(first), _short(second))
            raise
    unittest.TestCase.assertEqual = assertEqual


_patch_assert_equal()


def _check_syntax(path):
    try:
        with open(path, 'rb') as f:
            compile(f.read(), path, 'exec', dont_inherit=True)
    except SyntaxError as e:
        _emit({'event': 'syntaxError', 'file': e.filename or path, 'line': e.lineno or 1, 'column': e.offset,
               'message': '%s: %s' % (type(e).__name__, e.msg)})
    except Exception:
        pass
`;
