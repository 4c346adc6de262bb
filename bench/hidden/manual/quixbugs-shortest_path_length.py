# Template: hand-built weighted digraphs for shortest_path_length (node.Node successors); make.mjs appends fixed/'s results.
import pytest
from node import Node

from shortest_path_length import shortest_path_length


def distance(edges, start, goal):
    """Length returned for start -> goal on the digraph with {(from, to): length} edges."""
    names = sorted({n for e in edges for n in e} | {start, goal})
    nodes = {n: Node(n, None, []) for n in names}
    for a, b in edges:
        nodes[a].successors = nodes[a].successors + [nodes[b]]
    length_by_edge = {(nodes[a], nodes[b]): w for (a, b), w in edges.items()}
    return shortest_path_length(length_by_edge, nodes[start], nodes[goal])


DETOUR = {("a", "b"): 1, ("b", "c"): 1, ("c", "d"): 1, ("a", "d"): 5}
LADDER = {("s", "x"): 2, ("s", "y"): 7, ("x", "y"): 3, ("x", "z"): 9, ("y", "z"): 1, ("z", "t"): 2, ("y", "t"): 8}

CASES = {
    "detour is shorter": lambda: distance(DETOUR, "a", "d"),
    "one hop": lambda: distance(DETOUR, "b", "c"),
    "against the edges": lambda: distance(DETOUR, "d", "a"),
    "ladder to the end": lambda: distance(LADDER, "s", "t"),
    "ladder middle": lambda: distance(LADDER, "s", "z"),
    "ladder from x": lambda: distance(LADDER, "x", "t"),
    "ladder start is goal": lambda: distance(LADDER, "y", "y"),
}
