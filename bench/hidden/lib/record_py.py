# Runs a probe's CASES (name -> zero-argument callable) against the fixed/ sources in <dir> and prints,
# per case, the result as a Python literal or why there is none. Each call gets its own alarm so a
# hanging input is dropped, not the run; memory is capped. Usage: record_py.py <dir> <probe.py>
import json
import math
import os
import resource
import signal
import sys

TIMEOUT_S = 2
MAX_LITERAL = 4000


class Hang(Exception):
    pass


def literal(v):
    """Python source for v if v is plain data that reads back equal, else None."""
    if v is None or isinstance(v, (bool, int, str)):
        return repr(v)
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return repr(v) if math.isfinite(v) else ('float("inf")' if v > 0 else '-float("inf")')
    parts = None
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=repr) if isinstance(v, (set, frozenset)) else v
        parts = [literal(x) for x in items]
    elif isinstance(v, dict):
        parts = [None if literal(k) is None or literal(x) is None else literal(k) + ": " + literal(x)
                 for k, x in v.items()]
    if parts is None or any(p is None for p in parts):
        return None
    body = ", ".join(parts)
    if isinstance(v, list):
        return "[" + body + "]"
    if isinstance(v, tuple):
        return "(" + body + ("," if len(parts) == 1 else "") + ")"
    if isinstance(v, dict):
        return "{" + body + "}"
    if not parts:
        return "set()" if isinstance(v, set) else "frozenset()"
    return ("{" + body + "}") if isinstance(v, set) else "frozenset({" + body + "})"


def on_alarm(_sig, _frame):
    raise Hang()


def main():
    workdir, probe = sys.argv[1], sys.argv[2]
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    sys.setrecursionlimit(5000)
    os.chdir(workdir)
    sys.path.insert(0, workdir)
    real_stdout, sys.stdout = sys.stdout, open(os.devnull, "w")  # prints by the code under test
    scope = {"__name__": "probe"}
    with open(probe) as f:
        exec(compile(f.read(), probe, "exec"), scope)
    signal.signal(signal.SIGALRM, on_alarm)
    out = {}
    for name, thunk in scope["CASES"].items():
        try:
            signal.alarm(TIMEOUT_S)
            value = thunk()
            signal.alarm(0)
            lit = literal(value)
            if lit is None or len(lit) > MAX_LITERAL:
                out[name] = {"ok": False, "why": "not plain data or too large"}
            elif eval(lit, {"__builtins__": {"float": float, "set": set, "frozenset": frozenset}}) != value:
                out[name] = {"ok": False, "why": "does not read back equal"}
            else:
                out[name] = {"ok": True, "lit": lit}
        except Hang:
            out[name] = {"ok": False, "why": "timeout"}
        except BaseException as e:  # noqa: BLE001 - any failure of fixed/ drops the input
            signal.alarm(0)
            out[name] = {"ok": False, "why": type(e).__name__}
    real_stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
