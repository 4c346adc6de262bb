# New inputs near a task's own test inputs, for the hidden tests (bench/hidden/make.mjs).
# One argument changes at a time (numbers +-1, +-2, *2; a list element dropped, duplicated or changed,
# the list reversed, shuffled with a fixed seed or emptied; a string's words or chars dropped or repeated),
# and a candidate is kept only if it keeps what every test input at that position has in common (type,
# sign, sorted, distinct, palindromic, balanced brackets). The same checks on outputs keep a case like the tests'.
import json
import random
import sys


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def scalar_moves(v, rng):
    if isinstance(v, bool):
        return [not v]
    if is_num(v):
        return [v + 1, v - 1, v * 2, v + 2, v - 2]
    if isinstance(v, str):
        words = v.split(" ")
        # words first: moving whole words keeps each word well-formed, where a lone char often does not
        moves = [" ".join(w) for w in list_moves(words, rng) if w] if len(words) > 1 else []
        mid = len(v) // 2
        moves += [v[1:], v[:-1], v[:mid] + v[mid:][:1] + v[mid:], v + v[:1], ""]
        return [m for m in dict.fromkeys(moves) if m != v]
    return []


def list_moves(xs, rng):
    n = len(xs)
    if not n:
        return []
    drop = lambda i: xs[:i] + xs[i + 1:]  # noqa: E731
    dup = lambda i: xs[: i + 1] + [xs[i]] + xs[i + 1:]  # noqa: E731
    swap = lambda i, ms: [xs[:i] + [m] + xs[i + 1:] for m in ms]  # noqa: E731
    shuffled = list(xs)
    rng.shuffle(shuffled)
    first, last = value_moves(xs[0], rng)[:3], value_moves(xs[-1], rng)[:3]
    # kinds interleaved, so that the first few moves of every input already differ in kind
    moves = swap(0, first[:1]) + [drop(n - 1), dup(0)] + swap(n - 1, last[:1]) + [list(reversed(xs)), drop(0)]
    moves += [shuffled, dup(n - 1), drop(n // 2), []] + swap(0, first[1:]) + swap(n - 1, last[1:])
    return [m for m in moves if m != xs]


def value_moves(v, rng):
    return list_moves(v, rng) if isinstance(v, list) else scalar_moves(v, rng)


def numbers_in(v):
    if is_num(v):
        return [v]
    if isinstance(v, list):
        return [n for x in v for n in numbers_in(x)]
    return []


def ordered(xs, strict):
    try:
        return all((a < b) if strict else (a <= b) for a, b in zip(xs, xs[1:]))
    except TypeError:
        return False


def distinct(xs):
    keys = [json.dumps(x, sort_keys=True) for x in xs]
    return len(set(keys)) == len(keys)


BRACKETS = {")": "(", "]": "[", "}": "{", ">": "<"}


def balanced(s):
    stack = []
    for c in s:
        if c in BRACKETS.values():
            stack.append(c)
        elif c in BRACKETS and (not stack or stack.pop() != BRACKETS[c]):
            return False
    return not stack


def invariants(samples):
    """What every sample at one argument position has in common, as predicates a candidate must meet."""
    checks = []
    kinds = {"num" if is_num(s) else type(s).__name__ for s in samples}
    if len(kinds) == 1:
        kind = kinds.pop()
        checks.append(lambda v: ("num" if is_num(v) else type(v).__name__) == kind)
    nums = [n for s in samples for n in numbers_in(s)]
    if nums and all(n >= 0 for n in nums):
        checks.append(lambda v: all(n >= 0 for n in numbers_in(v)))
    if nums and all(n > 0 for n in nums):
        checks.append(lambda v: all(n > 0 for n in numbers_in(v)))
    strs = [s for s in samples if isinstance(s, str)]
    if strs and len(strs) == len(samples) and sum(len(s) >= 3 for s in strs) >= 2 and all(s == s[::-1] for s in strs):
        checks.append(lambda v: v == v[::-1])
    if strs and len(strs) == len(samples) and all(balanced(s) for s in strs) \
            and any(c in BRACKETS for s in strs for c in s):
        checks.append(lambda v: balanced(v))
    lists = [s for s in samples if isinstance(s, list)]
    long_lists = [s for s in lists if len(s) >= 2]
    if lists and len(lists) == len(samples) and any(len(s) >= 3 for s in lists):
        for strict in (False, True):
            if all(ordered(s, strict) for s in long_lists):
                checks.append(lambda v, strict=strict: not isinstance(v, list) or ordered(v, strict))
        if all(distinct(s) for s in long_lists):
            checks.append(lambda v: not isinstance(v, list) or distinct(v))
        # palindromes need more evidence than one: a single such sample is often chance
        if all(s == s[::-1] for s in lists) and sum(len(s) >= 3 for s in lists) >= 2:
            checks.append(lambda v: not isinstance(v, list) or v == v[::-1])
    return checks


def candidates(inputs, seed=1):
    """Neighbour argument lists of `inputs` (a list of argument lists), round-robin over the inputs."""
    rng = random.Random(seed)
    arity = {len(a) for a in inputs}
    checks = {}
    for pos in range(max(arity) if arity else 0):
        checks[pos] = invariants([a[pos] for a in inputs if len(a) > pos])
    per_input = []
    for args in inputs:
        mine = []
        for pos, v in enumerate(args):
            for m in value_moves(v, rng):
                if all(ok(m) for ok in checks[pos]):
                    mine.append(args[:pos] + [m] + args[pos + 1:])
        per_input.append(mine)
    out, seen = [], []
    for k in range(max((len(m) for m in per_input), default=0)):
        for mine in per_input:
            if k < len(mine) and mine[k] not in inputs and mine[k] not in seen:
                seen.append(mine[k])
                out.append(mine[k])
    return out


if __name__ == "__main__":
    # Used by the JS side, JSON in and out. No argument: argument lists in, candidate argument lists out.
    # `like`: {"samples": expected outputs, "values": outputs} in, per value whether it meets the invariants.
    data = json.load(sys.stdin)
    if sys.argv[1:] == ["like"]:
        checks = invariants(data["samples"])
        print(json.dumps([all(ok(v) for ok in checks) for v in data["values"]]))
    else:
        print(json.dumps(candidates(data)))
