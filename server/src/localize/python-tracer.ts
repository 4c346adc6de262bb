// The pytest plugin Loopwise writes into a scratch copy to observe a Python test run: per-test line
// coverage of the workspace sources, outcomes with the user frames of each failure, per-test timeouts
// and local-variable snapshots at chosen lines. sys.monitoring on Python 3.12+, sys.settrace before.
// It reads its settings from the JSON file named by LOOPWISE_LOC_CONFIG (a cold pytest run) or from the
// LOOPWISE_CONFIG global set by the warm verification worker that loads it, and appends JSON lines to `out`
// (opened by that worker as LOOPWISE_OUT).

export const pythonPluginModule = '_loopwise_trace';

export interface PythonTraceConfig {
  root: string;
  /** Workspace-relative source files whose lines are recorded. */
  sources: string[];
  out: string;
  testTimeoutS: number;
  /** Record per-test coverage (off for mutant runs, which only need outcomes). */
  coverage: boolean;
  values?: { tests: string[]; lines: Record<string, number[]>; maxHits: number; maxVars: number; maxRepr: number };
  /** Per-test limits in seconds overriding testTimeoutS (e.g. tests known to hang get less). */
  timeouts?: Record<string, number>;
}

export const pythonPluginSource = String.raw`
import json, os, signal, sys, time, reprlib
import pytest

_cfg = globals().get('LOOPWISE_CONFIG') or json.load(open(os.environ['LOOPWISE_LOC_CONFIG']))
_root = os.path.realpath(_cfg['root'])
_by_path = {os.path.realpath(os.path.join(_root, rel)): rel for rel in _cfg['sources']}
_out = globals().get('LOOPWISE_OUT') or open(_cfg['out'], 'a', buffering=1)
_values = _cfg.get('values') or None
_value_tests = set(_values['tests']) if _values else set()
_value_lines = {(f, l) for f, ls in (_values['lines'].items() if _values else []) for l in ls}
_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = _values['maxRepr'] if _values else 80
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 8
_repr.maxlevel = 3

_code_rel = {}
_state = {'lines': None, 'snap': False, 'hits': {}, 'pending': {}, 'count': 0, 'timeouts': 0}


class LoopwiseTestTimeout(BaseException):
    pass


def _emit(record):
    _out.write(json.dumps(record) + '\n')


def _rel_of(code):
    try:
        return _code_rel[code]
    except KeyError:
        rel = _by_path.get(os.path.realpath(code.co_filename))
        _code_rel[code] = rel
        return rel


def _locals(frame):
    shown = {}
    for name, value in list(frame.f_locals.items()):
        if name.startswith('__') or len(shown) >= _values['maxVars']:
            continue
        try:
            shown[name] = _repr.repr(value)
        except BaseException as e:
            shown[name] = '<repr failed: %s>' % type(e).__name__
    return shown


def _close_pending(frame, returned=None, has_return=False):
    snap = _state['pending'].pop(id(frame), None)
    if snap is not None:
        snap['after'] = _locals(frame)
        if has_return:
            snap['returned'] = _repr.repr(returned)


def _on_line(frame, rel, line):
    _state['lines'].add((rel, line))
    if not _state['snap']:
        return
    _close_pending(frame)
    if (rel, line) not in _value_lines:
        return
    n = _state['hits'].get((rel, line), 0) + 1
    _state['hits'][(rel, line)] = n
    if n > _values['maxHits'] or _state['count'] >= 400:
        _emit({'kind': 'omitted', 'test': _state['test'], 'file': rel, 'line': line})
        return
    _state['count'] += 1
    snap = {'kind': 'value', 'test': _state['test'], 'file': rel, 'line': line, 'hit': n, 'before': _locals(frame)}
    _state['snaps'].append(snap)
    _state['pending'][id(frame)] = snap


if sys.version_info >= (3, 12):
    _mon = sys.monitoring
    _tool = _mon.COVERAGE_ID
    _mon.use_tool_id(_tool, 'loopwise')

    def _mon_start(code, offset):
        if _rel_of(code) is None:
            return _mon.DISABLE
        _mon.set_local_events(_tool, code, _mon.events.LINE | _mon.events.PY_RETURN)
        return _mon.DISABLE

    def _mon_line(code, line):
        _on_line(sys._getframe(1), _code_rel[code], line)
        # Coverage needs each line once per test; snapshots need every execution.
        return None if _state['snap'] else _mon.DISABLE

    def _mon_return(code, offset, retval):
        if _state['snap']:
            _close_pending(sys._getframe(1), retval, True)
            return None
        return _mon.DISABLE

    _mon.register_callback(_tool, _mon.events.PY_START, _mon_start)
    _mon.register_callback(_tool, _mon.events.LINE, _mon_line)
    _mon.register_callback(_tool, _mon.events.PY_RETURN, _mon_return)

    def _trace_on():
        _mon.restart_events()
        _mon.set_events(_tool, _mon.events.PY_START)

    def _trace_off():
        _mon.set_events(_tool, 0)
else:
    def _local_tracer(frame, event, arg):
        rel = _code_rel.get(frame.f_code)
        if event == 'line':
            _on_line(frame, rel, frame.f_lineno)
        elif event == 'return' and _state['snap']:
            _close_pending(frame, arg, True)
        return _local_tracer

    def _global_tracer(frame, event, arg):
        return _local_tracer if _rel_of(frame.f_code) is not None else None

    def _trace_on():
        sys.settrace(_global_tracer)

    def _trace_off():
        sys.settrace(None)


def _on_alarm(signum, frame):
    raise LoopwiseTestTimeout('test exceeded %ss' % _cfg['testTimeoutS'])


def _frames(excinfo):
    frames = []
    tb = excinfo.tb
    while tb is not None:
        code = tb.tb_frame.f_code
        path = os.path.realpath(code.co_filename)
        rel = _by_path.get(path)
        if rel is None and path.startswith(_root + os.sep) and 'site-packages' not in path:
            rel = os.path.relpath(path, _root)
        if rel is not None and not rel.startswith('_loopwise'):
            frames.append({'file': rel, 'line': tb.tb_lineno, 'function': code.co_name})
        tb = tb.tb_next
    return frames[:5] + frames[-25:] if len(frames) > 30 else frames


def pytest_runtest_makereport(item, call):
    if call.excinfo is None or call.when not in ('setup', 'call') or hasattr(item, '_loopwise_fail'):
        return
    if call.excinfo.typename in ('Skipped', 'XFailed'):
        return
    timed_out = call.excinfo.errisinstance(LoopwiseTestTimeout)
    status = 'timedOut' if timed_out else ('failed' if call.when == 'call' else 'error')
    item._loopwise_fail = {'status': status, 'message': call.excinfo.exconly()[:2000], 'frames': _frames(call.excinfo)}


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    # Source code that test modules run while being imported counts for every test.
    _state.update(lines=set(), snap=False)
    if _cfg['coverage']:
        _trace_on()
    try:
        yield
    finally:
        _trace_off()
    if _cfg['coverage']:
        _emit({'kind': 'load', 'test': '', 'lines': sorted(_state['lines'])})


def loopwise_trace_load(paths):
    # For a worker that imported the test modules before this plugin existed: runs their code again in
    # throwaway namespaces (the source modules stay as imported) to see what loading them runs.
    _state.update(lines=set(), snap=False)
    _trace_on()
    try:
        for path in paths:
            try:
                with open(path) as f:
                    exec(compile(f.read(), path, 'exec'), {'__name__': '_loopwise_reload', '__file__': path})
            except Exception:
                pass
    finally:
        _trace_off()
    _emit({'kind': 'load', 'test': '', 'lines': sorted(_state['lines'])})


def pytest_runtest_logreport(report):
    _state['reports'].append(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _emit({'kind': 'start', 'test': item.nodeid})
    _state.update(lines=set(), test=item.nodeid, hits={}, pending={}, snaps=[], reports=[])
    _state['snap'] = _values is not None and item.nodeid in _value_tests
    started = time.monotonic()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    # A program that hung on two tests will hang on the rest: spend less time waiting on them.
    limit = _cfg['testTimeoutS'] if _state['timeouts'] < 2 else max(0.25, _cfg['testTimeoutS'] / 4)
    limit = (_cfg.get('timeouts') or {}).get(item.nodeid, limit)
    signal.setitimer(signal.ITIMER_REAL, limit)
    if _cfg['coverage'] or _state['snap']:
        _trace_on()
    try:
        yield
    finally:
        _trace_off()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    reports = _state['reports']
    fail = getattr(item, '_loopwise_fail', None)
    if fail:
        status = fail['status']
        _state['timeouts'] += status == 'timedOut'
    elif any(r.failed for r in reports):
        status = 'failed'
    elif any(r.skipped for r in reports):
        status = 'skipped'
    else:
        status = 'passed'
    for snap in _state['snaps']:
        _emit(snap)
    _emit({'kind': 'test', 'test': item.nodeid, 'status': status, 'ms': round((time.monotonic() - started) * 1000),
           'lines': sorted(_state['lines']), 'message': fail['message'] if fail else None,
           'frames': fail['frames'] if fail else []})
`;
