// The pytest plugin Loopwise writes into the scratch folder and loads with `-p loopwise_pytest`.
// It streams one JSON object per line to $LOOPWISE_RESULTS (collected ids, test start, result with
// frames and compared values, collection and syntax errors) and enforces the per-test timeout itself.
import { pythonPrelude } from './pythonPrelude';

export const pytestPluginModule = 'loopwise_pytest';

export const pytestPluginSource = String.raw`
${pythonPrelude}
import faulthandler, re, time
import pytest

_max_output = 65536
_state = {'checked': set()}


def pytest_configure(config):
    _state['root'] = str(config.rootpath)


def pytest_assertrepr_compare(config, op, left, right):
    if op == '==':
        _compare['values'] = (_short(left), _short(right))
    return None


def pytest_collection_finish(session):
    _emit({'event': 'collected', 'ids': [item.nodeid for item in session.items]})


def _check_file(path):
    if not path or path in _state['checked'] or not path.endswith('.py') or not os.path.isfile(path):
        return
    _state['checked'].add(path)
    _check_syntax(path)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # Importing a test module runs user code too: an endless loop there must not stall the whole run.
    if not isinstance(collector, pytest.Module):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, max(_timeout, 5))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pytest_collectreport(report):
    if not report.failed:
        return
    text = str(report.longrepr)
    path = os.path.join(_state.get('root', '.'), report.nodeid.split('::')[0]) if report.nodeid else None
    if 'LoopwiseTimeout' in text:
        _emit({'event': 'collectError', 'file': path, 'timedOut': True,
               'message': 'importing this file did not finish within %g s (an infinite loop at module level?)' % max(_timeout, 5)})
        return
    _emit({'event': 'collectError', 'file': path, 'message': text[-4000:]})
    candidates = [path] + re.findall(r'File "([^"]+)", line \d+', text) + re.findall(r'^(\S[^\n]*?\.py):\d+: ', text, re.M)
    for c in candidates:
        _check_file(c)


def _arm():
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, _timeout)
    # Backstop for code the alarm cannot interrupt (long C calls, swallowed BaseException): exit the
    # process; the runner sees the .hang file, reports this test as timed out and resumes after it.
    faulthandler.dump_traceback_later(_timeout + 5, exit=True, file=_hang)


def _disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)
    faulthandler.cancel_dump_traceback_later()


# The alarm is armed only while a phase runs user code (each inside pytest's CallInfo, which records the
# exception): firing inside pytest's own reporting code could lose the outcome of the test.
# One wrapper serves the three phases (pluggy accepts a hook taking a subset of the spec's arguments).
@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def _armed_phase(item):
    _arm()
    try:
        yield
    finally:
        _disarm()


pytest_runtest_setup = pytest_runtest_call = pytest_runtest_teardown = _armed_phase


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    _compare.clear()
    rec = _state['rec'] = {'status': 'passed', 'output': '', 'started': time.time()}
    line = item.location[1]
    _emit({'event': 'start', 'id': item.nodeid, 'file': str(item.path), 'line': None if line is None else line + 1})
    previous = signal.getsignal(signal.SIGALRM)
    try:
        outcome = yield
    finally:
        _disarm()
        signal.signal(signal.SIGALRM, previous)
    if outcome.excinfo is not None and rec['status'] == 'passed':
        rec['status'] = 'error'
        rec['message'] = 'pytest failed while running this test: %r' % (outcome.excinfo[1],)
    output = rec['output']
    _emit({'event': 'result', 'id': item.nodeid, 'name': item.name, 'file': str(item.path),
           'line': None if line is None else line + 1, 'status': rec['status'],
           'durationMs': int((time.time() - rec['started']) * 1000), 'message': rec.get('message'),
           'expected': rec.get('expected'), 'actual': rec.get('actual'), 'frames': rec.get('frames'),
           'output': output[:_max_output],
           'outputBytes': len(output.encode('utf-8', 'replace')) if len(output) > _max_output else None})
    _state['rec'] = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    rec = _state.get('rec')
    if rec is None:
        return
    rec['output'] = report.capstdout + report.capstderr
    if rec['status'] != 'passed':
        return
    if report.skipped:
        rec['status'] = 'skipped'
        if hasattr(report, 'wasxfail'):
            rec['message'] = 'expected failure (xfail) %s' % report.wasxfail
        elif isinstance(report.longrepr, tuple):
            rec['message'] = str(report.longrepr[2])
    elif report.failed:
        exc = call.excinfo
        if exc is not None and exc.errisinstance(LoopwiseTimeout):
            rec['status'] = 'timedOut'
        else:
            rec['status'] = 'failed' if call.when == 'call' else 'error'
        rec['message'] = (exc.exconly() if exc is not None else str(report.longrepr))[:4000]
        if exc is not None:
            try:
                rec['frames'] = [{'file': str(e.path), 'line': e.lineno + 1, 'function': e.name} for e in exc.traceback]
            except Exception:
                pass
            if call.when == 'call' and 'values' in _compare and isinstance(exc.value, AssertionError):
                rec['actual'], rec['expected'] = _compare['values']


def pytest_sessionfinish(session, exitstatus):
    _emit({'event': 'finished', 'exitstatus': int(exitstatus)})
`;
