// The unittest driver Loopwise writes into the scratch folder when pytest is not importable. It speaks
// the same JSON-lines protocol as the pytest plugin (see pytestPlugin.ts), with the same per-test alarm.
// argv: test files (workspace-relative) or test ids to load; none means discovery of test*.py and *_test.py.
import { pythonPrelude } from './pythonPrelude';

export const unittestRunnerSource = String.raw`
${pythonPrelude}
import faulthandler, inspect, sys, time, traceback


def _where(test):
    method = getattr(test, test._testMethodName, None)
    try:
        return inspect.getsourcefile(type(test)), inspect.getsourcelines(method)[1]
    except (TypeError, OSError):
        return None, None


class Result(unittest.TestResult):
    def startTest(self, test):
        super().startTest(test)
        _compare.clear()
        self._rec = {'status': 'passed', 'started': time.time()}
        _emit({'event': 'start', 'id': test.id()})
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, _timeout)
        faulthandler.dump_traceback_later(_timeout + 5, exit=True, file=_hang)

    def stopTest(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        super().stopTest(test)
        rec = self._rec
        failed_import = type(test).__name__ == '_FailedTest'
        path, line = (None, None) if failed_import else _where(test)
        name = test._testMethodName
        _emit({'event': 'result', 'id': test.id(), 'name': name, 'file': path, 'line': line, 'status': rec['status'],
               'durationMs': int((time.time() - rec['started']) * 1000), 'message': rec.get('message'),
               'expected': rec.get('expected'), 'actual': rec.get('actual'), 'frames': rec.get('frames'),
               'module': name if failed_import else None})

    # Each outcome hook first stops the alarm, so that it cannot fire while the outcome is being recorded.
    def addSuccess(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().addSuccess(test)

    def _failed(self, test, err, status):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().addError(test, err) if status == 'error' else super().addFailure(test, err)
        kind, value, tb = err
        if kind is LoopwiseTimeout:
            status = 'timedOut'
        self._rec['status'] = status
        self._rec['message'] = ''.join(traceback.format_exception_only(kind, value)).strip()[:4000]
        self._rec['frames'] = [{'file': f.filename, 'line': f.lineno, 'function': f.name} for f in traceback.extract_tb(tb)]
        if status == 'failed' and 'values' in _compare:
            self._rec['actual'], self._rec['expected'] = _compare['values']

    def addError(self, test, err):
        self._failed(test, err, 'error')

    def addFailure(self, test, err):
        self._failed(test, err, 'failed')

    def addSkip(self, test, reason):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().addSkip(test, reason)
        self._rec.update(status='skipped', message=reason)

    def addExpectedFailure(self, test, err):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().addExpectedFailure(test, err)
        self._rec.update(status='skipped', message='expected failure')

    def addUnexpectedSuccess(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0)
        super().addUnexpectedSuccess(test)
        self._rec.update(status='failed', message='unexpected success (the test is marked expectedFailure)')


def _suite(files):
    loader = unittest.TestLoader()
    if not files:
        suite = loader.discover('.', pattern='test*.py', top_level_dir='.')
        suite.addTests(loader.discover('.', pattern='*_test.py', top_level_dir='.'))
        return suite
    suite = unittest.TestSuite()
    for f in files:
        suite.addTests(loader.loadTestsFromName(f[:-3].replace('/', '.') if f.endswith('.py') else f))
    return suite


def main():
    sys.path.insert(0, os.getcwd())
    for root, dirs, names in os.walk('.'):
        dirs[:] = [d for d in dirs if not d.startswith('.') and d not in ('node_modules', 'venv', '__pycache__')]
        for n in names:
            if n.endswith('.py'):
                _check_syntax(os.path.join(root, n)[2:])
    try:
        suite = _suite(sys.argv[1:])
    except Exception as e:
        _emit({'event': 'collectError', 'file': None, 'message': ''.join(traceback.format_exception_only(type(e), e)).strip()})
        suite = unittest.TestSuite()
    _emit({'event': 'collected', 'ids': [t.id() for t in _iter(suite)]})
    suite.run(Result())
    _emit({'event': 'finished', 'exitstatus': 0})


def _iter(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _iter(t)
        else:
            yield t


main()
`;
