// Source of the warm Python verification worker, run as `python3 -c <source> <root> <test files...>`.
// It imports pytest and collects the tests once; per candidate it forks a child that swaps the candidate
// source into the already-imported modules (in memory: nothing is written), runs the requested tests
// under rlimits and a per-test alarm, and streams one JSON line per test back; the parent kills it on timeout.
export const PYTHON_WORKER = String.raw`
import builtins, gc, importlib.abc, importlib.util, json, os, re, resource, select, signal, sys, time
ROOT = os.path.realpath(sys.argv[1])
PROTO_IN = os.fdopen(os.dup(0), 'r')
PROTO_OUT = os.fdopen(os.dup(1), 'w', buffering=1)
_null = os.open(os.devnull, os.O_RDWR)
os.dup2(_null, 0); os.dup2(_null, 1)
sys.dont_write_bytecode = True
sys.path.insert(0, ROOT)
os.chdir(ROOT)
import pytest
from _pytest.runner import runtestprotocol
import _pytest.nodes, _pytest.python

# Nobody reads a failure's formatted traceback here, and building one (source lookups, inspect.getmodule
# over every module) costs far more than running a small test: keep only the exception's text.
def _short_failure(self, excinfo, *args, **kwargs):
    return '%s: %s' % (excinfo.typename, str(excinfo.value)[:500])
_pytest.nodes.Node._repr_failure_py = _short_failure
_pytest.python.Function.repr_failure = _short_failure

def send(obj):
    PROTO_OUT.write(json.dumps(obj) + '\n'); PROTO_OUT.flush()

class LoopwiseTimeout(BaseException):
    pass

class CandidateFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    # Serves candidate sources for modules not imported yet, so a lazy import sees the candidate too.
    def __init__(self, codes):
        self.codes = codes
    def find_spec(self, name, path, target=None):
        for entry in (path or sys.path):
            base = os.path.join(entry or ROOT, *name.split('.')[-1:])
            for f in (base + '.py', os.path.join(base, '__init__.py')):
                real = os.path.realpath(f)
                if real in self.codes:
                    return importlib.util.spec_from_file_location(name, real, loader=self)
        return None
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        exec(self.codes[os.path.realpath(module.__file__)], module.__dict__)

def user_modules():
    out = []
    for m in list(sys.modules.values()):
        f = getattr(m, '__file__', None)
        if f and os.path.realpath(f).startswith(ROOT + os.sep):
            out.append(m)
    return out

def apply_candidate(codes):
    # Re-executes each candidate in its module's namespace and rebinds names other user modules imported
    # from it ('from m import f'), so tests call the candidate's functions.
    by_path = USER_MODULES or {os.path.realpath(m.__file__): m for m in user_modules()}
    pending = {}
    for path, code in codes.items():
        mod = by_path.get(path)
        if mod is None:
            pending[path] = code
            continue
        old = dict(mod.__dict__)
        exec(code, mod.__dict__)
        moved = {id(v): k for k, v in old.items() if mod.__dict__.get(k) is not v}
        if not moved:
            continue
        for other in by_path.values():
            if other is mod:
                continue
            d = other.__dict__
            for k, v in list(d.items()):
                name = moved.get(id(v))
                if name is not None and old.get(name) is v:
                    d[k] = mod.__dict__[name]
    if pending:
        sys.meta_path.insert(0, CandidateFinder(pending))

def drop_privileges():
    # RLIMIT_NPROC does not bind root: a candidate runs as nobody so the process cap holds.
    os.setgroups([]); os.setgid(NOBODY); os.setuid(NOBODY)

def drop_problem():
    # Why a candidate run as nobody would not see what the tests see as root (None when it would): every
    # folder the interpreter imports from must be readable, the project, HOME and TMPDIR writable. Checked
    # in a forked child that really drops; the worker itself stays root.
    if os.getuid() != 0:
        return None
    paths = [p for p in [sys.prefix, sys.base_prefix] + sys.path if p and os.path.isdir(p)]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        msg = ''
        try:
            os.close(r)
            drop_privileges()
            unreadable = [p for p in paths if not os.access(p, os.R_OK | os.X_OK)]
            if unreadable:
                msg = 'nobody cannot read %s' % unreadable[0]
            else:
                for what, p in (('the project copy', ROOT), ('HOME', os.environ.get('HOME')), ('TMPDIR', os.environ.get('TMPDIR'))):
                    if p and not os.access(p, os.W_OK | os.X_OK):
                        msg = 'nobody cannot write %s (%s)' % (what, p)
                        break
        except BaseException as e:
            msg = 'cannot switch to nobody (%s)' % e
        os.write(w, msg.encode()[:1000])
        os._exit(0)
    os.close(w)
    out = b''
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        out += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return out.decode('utf-8', 'replace') or None

def limit_child(cpu_s, drop):
    gc.disable()
    os.setpgid(0, 0)
    os.dup2(_null, 0); os.dup2(_null, 1); os.dup2(_null, 2)
    for res, val in ((resource.RLIMIT_CPU, cpu_s), (resource.RLIMIT_AS, 2 << 30), (resource.RLIMIT_FSIZE, 16 << 20), (resource.RLIMIT_CORE, 0)):
        try:
            resource.setrlimit(res, (val, val))
        except (ValueError, OSError):
            pass
    if drop and os.getuid() == 0:
        try:
            drop_privileges()
        except OSError:
            pass
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (NPROC, NPROC))
    except (ValueError, OSError):
        pass

def outcome_of(reports, timed_out):
    if timed_out:
        return 'timedOut'
    for r in reports:
        if r.failed:
            return 'failed' if r.when == 'call' else 'error'
    for r in reports:
        if r.when == 'call' and r.skipped:
            return 'skipped'
    return 'passed'

STATE = {'timed_out': False}
def on_alarm_flag(signum, frame):
    STATE['timed_out'] = True
    raise LoopwiseTimeout('test timed out')

PROBE = {'mode': None, 'snaps': []}

def _plain(v, depth=0):
    if v is None or isinstance(v, (bool, int, float, str)):
        return not isinstance(v, str) or len(v) <= 200
    if depth < 2 and isinstance(v, (list, tuple)) and len(v) <= 50:
        return all(_plain(x, depth + 1) for x in v)
    return False

def loopwise_probe(cond, env):
    # Stands in for a branch condition: records the plain local values at each evaluation and returns the
    # original value ('record') or a forced one ('true' / 'false').
    value = bool(cond()) if PROBE['mode'] == 'record' else PROBE['mode'] == 'true'
    if len(PROBE['snaps']) < 40:
        PROBE['snaps'].append({'env': {k: (list(v) if isinstance(v, tuple) else v) for k, v in env.items() if not k.startswith('__') and _plain(v)}, 'value': value})
    return value

def evaluate(req):
    # Which candidate conditions take exactly the required value on every recorded snapshot.
    rows = req['rows']
    safe = {k: getattr(builtins, k) for k in ('len', 'abs', 'min', 'max', 'sum', 'all', 'any', 'int', 'float', 'str', 'bool', 'sorted', 'list', 'set', 'range', 'True', 'False', 'None')}
    hits = []
    for i, expr in enumerate(req['exprs']):
        try:
            code = compile(expr, '<condition>', 'eval')
            if all(bool(eval(code, {'__builtins__': safe}, dict(r['env']))) == r['value'] for r in rows):
                hits.append(i)
        except Exception:
            pass
    return {'id': req['id'], 'status': 'ok', 'hits': hits, 'tests': []}

# Third-party hook implementations known to act only on tests that opt in (through the benchmark fixture,
# or @given), which direct_call already leaves to pytest.
OPT_IN_HOOKS = ('pytest_benchmark.plugin', '_hypothesis_pytestplugin')

def hooked(item):
    # Whether a plugin or conftest.py hooks this test's setup, call or protocol (pytest-timeout, seeding,
    # environment set-up): calling it directly would skip that.
    for name in ('pytest_runtest_setup', 'pytest_runtest_call', 'pytest_runtest_protocol'):
        for impl in getattr(item.ihook, name).get_hookimpls():
            module = getattr(impl.function, '__module__', None) or ''
            if not module.startswith('_pytest.') and module not in OPT_IN_HOOKS:
                return True
    return False

def direct_call(item):
    # A plain test function (module level, no fixtures beyond its parametrize arguments, no marks, no
    # warning filters to apply, no hooks but pytest's own around it) is called directly: pytest's per-test
    # protocol (setup, fixtures, reports, hooks) costs a hundred times more than such a test. Anything else
    # goes through pytest.
    import inspect
    if type(item) is not _pytest.python.Function or item.cls is not None or WARNING_FILTERS:
        return None
    if any(m.name != 'parametrize' for m in item.iter_markers()):
        return None
    fn = getattr(item, 'obj', None)
    if not inspect.isfunction(fn) or inspect.iscoroutinefunction(fn) or inspect.isgeneratorfunction(fn):
        return None
    if getattr(fn, 'is_hypothesis_test', False) or hooked(item):
        return None
    params = getattr(getattr(item, 'callspec', None), 'params', {})
    defs = item._fixtureinfo.name2fixturedefs
    for name in item.fixturenames:
        # Direct parametrization only: an indirect one runs a fixture on the value.
        if name not in params or any(d.func.__name__ != 'get_direct_param_fixture_func' for d in defs.get(name, ())):
            return None
    return fn, {name: params[name] for name in item.fixturenames}

def call_direct(fn, kwargs):
    # Outcome and failure message as pytest would give them (see _short_failure).
    try:
        fn(**kwargs)
    except LoopwiseTimeout:
        raise
    except (pytest.skip.Exception, pytest.xfail.Exception):
        return 'skipped', None
    except BaseException as e:
        return 'failed', '%s: %s' % (type(e).__name__, str(e)[:500])
    return 'passed', None

def run_items(items, req, out):
    fail_fast = req.get('failFast', True)
    test_s = req.get('testTimeoutMs', 2000) / 1000.0
    # CPU time, not wall time: a loaded machine must not turn a correct candidate into a timeout.
    signal.signal(signal.SIGPROF, on_alarm_flag)
    # For each test, the next one that goes through pytest's protocol: what its teardown keeps set up for
    # (a directly called test in between sets up nothing; tearing down for it would leave the previous
    # module's fixtures in place for the next test of another module).
    following = [None] * len(items)
    upcoming = None
    for j in range(len(items) - 1, -1, -1):
        following[j] = upcoming
        if items[j].nodeid not in DIRECT:
            upcoming = items[j]
    for i, item in enumerate(items):
        STATE['timed_out'] = False
        PROBE['snaps'] = []
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_PROF, max(test_s, (req.get('testTimeouts') or {}).get(item.nodeid, 0) / 1000.0))
        direct = DIRECT.get(item.nodeid)
        status = failure = None
        reports = []
        try:
            if direct is not None:
                status, failure = call_direct(*direct)
            else:
                reports = runtestprotocol(item, nextitem=following[i], log=False)
        except LoopwiseTimeout:
            reports = []
        signal.setitimer(signal.ITIMER_PROF, 0)
        if status is None or STATE['timed_out']:
            status = outcome_of(reports, STATE['timed_out'])
        if status == 'timedOut' and req.get('shrinkAfterTimeout'):
            # One hanging test usually means they all hang: don't pay the full timeout for each.
            test_s = min(test_s, 0.2)
        # Buffered: a flush per test would wake the parent per test (costly on a loaded machine).
        entry = {'id': item.nodeid, 'status': status, 'ms': round((time.perf_counter() - t0) * 1000, 3)}
        if PROBE['mode']:
            entry['snaps'] = PROBE['snaps']
        failure = next((r.longrepr for r in reports if r.failed), failure)
        if failure is not None:
            entry['message'] = str(failure)[:400]
        out.write(json.dumps(entry) + '\n')
        if fail_fast and status not in ('passed', 'skipped'):
            break

def run_session(req, out):
    # Collection failed in the parent (e.g. the buggy source raises on import): collect afresh per candidate.
    for m in user_modules():
        sys.modules.pop(m.__name__, None)
    class Collect:
        def __init__(self):
            self.items = []
        @pytest.hookimpl(tryfirst=True)
        def pytest_runtestloop(self, session):
            order = req.get('order') or []
            rank = {t: i for i, t in enumerate(order)}
            items = sorted(session.items, key=lambda it: rank.get(it.nodeid, len(rank)))
            run_items(items, req, out)
            return True
        def pytest_collectreport(self, report):
            if report.failed:
                out.write(json.dumps({'id': report.nodeid or '<collection>', 'status': 'error', 'ms': 0}) + '\n')
                out.flush()
    pytest.main(PYTEST_ARGS, plugins=[Collect()])

def _variants(args):
    # Neighbours of a call's arguments: each int +-1 and 0, each float +1 and negated, each bool flipped, each
    # list/str/tuple without its last or first element, with its last repeated, and empty.
    out = []
    for i, a in enumerate(args):
        alts = []
        if isinstance(a, bool):
            alts = [not a]
        elif isinstance(a, int):
            alts = [a + 1, a - 1, 0]
        elif isinstance(a, float):
            alts = [a + 1.0, -a]
        elif isinstance(a, (list, str, tuple)) and len(a) > 0:
            alts = [a[:-1], a[1:], a + a[-1:], a[:0]]
        for alt in alts:
            out.append(args[:i] + (alt,) + args[i + 1:])
    return out

def _derived(args_list):
    # Inputs derived from several calls of one function: one call's arguments with one position taken from another.
    out = []
    for a in args_list[:8]:
        for b in args_list[:8]:
            if a is not b and len(a) == len(b):
                out.extend(a[:i] + (b[i],) + a[i + 1:] for i in range(len(a)))
    return out

_ADDRESS = re.compile(r' at 0x[0-9a-fA-F]+')

def _result(fn, args, kwargs, limit_s=0.05):
    # What a call gives: its value's repr (object addresses dropped) or the type of what it raised, within a
    # CPU time limit (the original gets less: inputs it hangs on are common and not compared).
    import copy
    signal.setitimer(signal.ITIMER_PROF, limit_s)
    try:
        a, k = copy.deepcopy((args, kwargs))
        return ('ok', _ADDRESS.sub('', repr(fn(*a, **k))[:2000]))
    except BaseException as e:
        return ('raise', type(e).__name__)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)

def compare_behaviour(spec, items, req):
    # Records the calls the tests make to the functions of the files the candidates change, on the original
    # code (calls from the tests only, not recursion), then calls the original's and every candidate's
    # functions on those arguments, on inputs derived from them and on their neighbours. The failing tests'
    # own calls are left out (the tests ask to change those results), and so are inputs on which the original
    # raises or hangs; every candidate is compared on the same inputs, input by input, so a time budget that
    # runs out leaves a fair comparison.
    import copy, types
    rels = sorted({rel for c in spec['candidates'] for rel in c})
    paths = {rel: os.path.realpath(os.path.join(ROOT, rel)) for rel in rels}
    calls, depth = [], [0]
    for path in paths.values():
        mod = USER_MODULES.get(path)
        if mod is None:
            continue
        for name, fn in list(mod.__dict__.items()):
            if not isinstance(fn, types.FunctionType) or fn.__module__ != mod.__name__:
                continue
            def recorder(*args, _fn=fn, _key=(path, name), **kwargs):
                if depth[0] == 0 and len(calls) < 80:
                    try:
                        calls.append((_key, copy.deepcopy(args), copy.deepcopy(kwargs)))
                    except Exception:
                        pass
                depth[0] += 1
                try:
                    return _fn(*args, **kwargs)
                finally:
                    depth[0] -= 1
            for m in USER_MODULES.values():
                for k, v in list(m.__dict__.items()):
                    if v is fn:
                        m.__dict__[k] = recorder
    asked = set(spec.get('asked') or [])
    quiet = open(os.devnull, 'w')
    run_items([it for it in items if it.nodeid not in asked], dict(req, failFast=False), quiet)
    kept_calls = len(calls)
    run_items([it for it in items if it.nodeid in asked], dict(req, failFast=False), quiet)
    depth[0] = 1

    def load(path, source):
        ns = {'__name__': USER_MODULES[path].__name__, '__file__': path, '__builtins__': builtins}
        signal.setitimer(signal.ITIMER_PROF, 0.5)
        try:
            exec(compile(source, path, 'exec'), ns)
            return ns
        except BaseException:
            return None
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    originals, worlds = {}, []
    for rel, path in paths.items():
        if path in USER_MODULES:
            with open(path) as f:
                originals[path] = load(path, f.read())
    for c in spec['candidates']:
        worlds.append({path: (load(path, c[rel]) if rel in c else originals.get(path)) for rel, path in paths.items() if path in originals})

    inputs, by_fn = [], {}
    seen = {(key, repr((args, kwargs))[:300]) for key, args, kwargs in calls[kept_calls:]}
    def add(key, args, kwargs):
        mark = (key, repr((args, kwargs))[:300])
        if mark not in seen and len(inputs) < 150:
            seen.add(mark)
            inputs.append((key, args, kwargs))
    for key, args, kwargs in calls:
        add(key, args, kwargs)
        by_fn.setdefault((key, tuple(sorted(kwargs))), []).append(args)
    for key, args, kwargs in calls:
        for alt in _variants(args):
            add(key, alt, kwargs)
    for (key, names), args_list in by_fn.items():
        kwargs = next(k for c, _, k in calls if c == key and tuple(sorted(k)) == names)
        for alt in _derived(args_list):
            add(key, alt, kwargs)

    stop = time.perf_counter() + spec.get('budgetMs', 3000) / 1000.0
    compared, same = 0, [0] * len(worlds)
    for (path, name), args, kwargs in inputs:
        if time.perf_counter() > stop:
            break
        fn = (originals.get(path) or {}).get(name)
        if not isinstance(fn, types.FunctionType):
            continue
        expected = _result(fn, args, kwargs, 0.025)
        if expected[0] != 'ok':
            continue
        compared += 1
        for j, world in enumerate(worlds):
            other = (world.get(path) or {}).get(name)
            if isinstance(other, types.FunctionType) and _result(other, args, kwargs) == expected:
                same[j] += 1
    return {'compared': compared, 'same': same}

def observe(spec, items, session, out):
    # Localization's observed run (coverage, runtime values) in this warm child: loads the tracer plugin
    # the cold run would load, has it re-run the test modules' load-time code, then runs the tests through
    # pytest's hooks so the plugin sees them. The plugin writes its records to the file its config names.
    import types
    plugin = types.ModuleType('_loopwise_trace')
    plugin.LOOPWISE_CONFIG = spec['config']
    plugin.LOOPWISE_OUT = out
    exec(compile(spec['plugin'], os.path.join(ROOT, '_loopwise_trace'), 'exec'), plugin.__dict__)
    sys.modules['_loopwise_trace'] = plugin
    if spec['config'].get('coverage'):
        seen = []
        for it in items:
            f = getattr(getattr(it, 'module', None), '__file__', None)
            if f and f not in seen:
                seen.append(f)
        plugin.loopwise_trace_load(seen)
    session.config.pluginmanager.register(plugin, '_loopwise_trace')
    for i, item in enumerate(items):
        item.ihook.pytest_runtest_protocol(item=item, nextitem=items[i + 1] if i + 1 < len(items) else None)

DONE = b'{"done": true}\n'

def kill_group(pgid):
    # Repeat: a process forking while the group is being killed can leave a new member behind.
    for _ in range(200):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            return
        time.sleep(0.0005)

def handle(req, session):
    codes = {}
    for rel, src in (req.get('files') or {}).items():
        path = os.path.realpath(os.path.join(ROOT, rel))
        try:
            codes[path] = compile(src, path, 'exec')
        except (SyntaxError, ValueError) as e:
            return {'id': req['id'], 'status': 'invalid', 'message': str(e), 'tests': []}
    items = None
    if not COLLECT_ERRORS:
        wanted = req.get('tests')
        pool = [it for it in session.items if wanted is None or it.nodeid in wanted]
        order = req.get('order') or []
        rank = {t: i for i, t in enumerate(order)}
        items = sorted(pool, key=lambda it: rank.get(it.nodeid, len(rank)))
    r, w = os.pipe()
    t0 = time.perf_counter()
    deadline = t0 + req.get('timeoutMs', 10000) / 1000.0
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            # Opened before the child drops its privileges (it may then not reach the scratch folder).
            observe_out = open(req['observe']['config']['out'], 'a', buffering=1) if req.get('observe') else None
            limit_child(int(req.get('timeoutMs', 10000) / 1000) + 2, req.get('drop', DROP['on']))
            out = os.fdopen(w, 'w', buffering=1 << 20)
            if req.get('probe'):
                PROBE['mode'] = req['probe']
                builtins.__loopwise_probe__ = loopwise_probe
            apply_candidate(codes)
            if req.get('observe') and items is not None:
                observe(req['observe'], items, session, observe_out)
            elif req.get('behaviour') and items is not None:
                out.write(json.dumps({'behaviour': compare_behaviour(req['behaviour'], items, req)}) + '\n')
            elif items is None:
                run_session(req, out)
            else:
                run_items(items, req, out)
            out.write(DONE.decode())
            out.flush()
        except BaseException:
            pass
        os._exit(0)
    os.close(w)
    buf = b''
    status = 'ok'
    reaped = None
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            status = 'timedOut'
            break
        ready, _, _ = select.select([r], [], [], min(left, 0.05))
        if ready:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buf += chunk
            if buf.endswith(DONE):
                break
            if len(buf) > (8 << 20):
                status = 'crashed'
                break
        elif reaped is None:
            # The child may be gone while a process it forked still holds the pipe open.
            done_pid, wstatus = os.waitpid(pid, os.WNOHANG)
            if done_pid:
                reaped = wstatus
                break
    os.close(r)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if reaped is None:
        _, reaped = os.waitpid(pid, 0)
    kill_group(pid)
    wstatus = reaped
    tests = []
    behaviour = None
    for line in buf.decode('utf-8', 'replace').splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            status = 'crashed'
            continue
        if 'id' in entry:
            tests.append(entry)
        elif 'behaviour' in entry:
            behaviour = entry['behaviour']
    if status == 'ok' and not buf.endswith(DONE) and os.WIFSIGNALED(wstatus):
        status = 'crashed'
    reply = {'id': req['id'], 'status': status, 'tests': tests, 'ms': round((time.perf_counter() - t0) * 1000, 3)}
    if behaviour is not None:
        reply['behaviour'] = behaviour
    return reply

def written_paths():
    # Everything in the folders a test may write (the copy, HOME, TMPDIR).
    found = set()
    for top in (ROOT, os.environ.get('HOME'), os.environ.get('TMPDIR')):
        for d, dirs, files in os.walk(top or ROOT):
            found.update(os.path.join(d, n) for n in dirs + files)
    return found

def remove_new(before):
    for top in (ROOT, os.environ.get('HOME'), os.environ.get('TMPDIR')):
        for d, dirs, files in os.walk(top or ROOT, topdown=False):
            for n in files + dirs:
                p = os.path.join(d, n)
                if p not in before:
                    try:
                        os.rmdir(p) if n in dirs and not os.path.islink(p) else os.unlink(p)
                    except OSError:
                        pass

def as_nobody(fn):
    pid = os.fork()
    if pid == 0:
        try:
            drop_privileges()
            fn()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)

def handle_checked(req, session):
    # The baseline asks for a recheck: when a test the original code fails as nobody passes as root, the
    # drop is what fails it (a file only root reads, a check of the user), so this worker stops dropping,
    # re-runs the whole baseline as root and says why: the baseline must agree with 'loopwise run'.
    if not (req.get('recheck') and req.get('drop', DROP['on'])):
        return handle(req, session)
    before = written_paths()
    reply = handle(req, session)
    bad = [t['id'] for t in reply['tests'] if t['status'] not in ('passed', 'skipped')]
    if bad:
        # What the tests wrote as nobody is nobody's: it goes first, or root could not overwrite it.
        as_nobody(lambda: remove_new(before))
        again = handle(dict(req, tests=bad, order=bad, drop=False), session)
        passed = [t['id'] for t in again['tests'] if t['status'] in ('passed', 'skipped')]
        if passed:
            DROP['on'] = False
            DROP['note'] = ('running as root, and %d of the tests (%s) fail only as nobody: candidates run as root, '
                            'without the process-count limit' % (len(passed), ', '.join(passed[:3]) + (', ...' if len(passed) > 3 else '')))
            reply = handle(dict(req, drop=False), session)
    reply['privileges'] = {'dropped': DROP['on'], 'note': DROP['note']}
    return reply

class Serve:
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if os.getuid() == 0:
            problem = drop_problem()
            DROP['on'] = problem is None
            if problem:
                DROP['note'] = 'running as root, and %s: candidates run as root, without the process-count limit' % problem
        # Everything imported so far is shared with every child: keep the collector from touching (and so
        # copying) those pages after each fork.
        USER_MODULES.update({os.path.realpath(m.__file__): m for m in user_modules()})
        WARNING_FILTERS.extend(session.config.getini('filterwarnings') + (session.config.known_args_namespace.pythonwarnings or []))
        for it in session.items:
            direct = direct_call(it)
            if direct is not None:
                DIRECT[it.nodeid] = direct
        gc.collect()
        gc.freeze()
        send({'ready': True, 'tests': [it.nodeid for it in session.items], 'collectErrors': COLLECT_ERRORS, 'direct': list(DIRECT),
              'privileges': {'dropped': DROP['on'], 'note': DROP['note']}})
        for line in PROTO_IN:
            if not line.strip():
                continue
            req = json.loads(line)
            if req.get('close'):
                break
            send(evaluate(req) if req.get('exprs') is not None else handle_checked(req, session))
        return True
    def pytest_collectreport(self, report):
        if report.failed:
            COLLECT_ERRORS.append({'id': report.nodeid or '<collection>', 'message': str(report.longrepr)[-2000:]})

COLLECT_ERRORS = []
# Modules of the project imported at collection, by real path (computed once: realpath costs syscalls).
USER_MODULES = {}
# Tests called directly (see direct_call), by id; warning filters of the project's pytest configuration.
DIRECT = {}
WARNING_FILTERS = []
NPROC = 32
NOBODY = 65534
# As root, whether candidates run as nobody (see drop_problem and handle_checked), and why not.
DROP = {'on': False, 'note': None}
PYTEST_ARGS = ['-q', '-s', '-p', 'no:cacheprovider', '-p', 'no:randomly', '--rootdir', ROOT, '-o', 'addopts=', '--import-mode=prepend'] + sys.argv[2:]
try:
    pytest.main(PYTEST_ARGS, plugins=[Serve()])
except BaseException as e:
    send({'fatal': repr(e)[:2000]})
`;
