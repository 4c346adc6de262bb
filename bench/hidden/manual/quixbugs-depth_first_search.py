# Template: hand-built digraphs for depth_first_search (node.Node successors); make.mjs appends fixed/'s results.
import pytest
from node import Node

from depth_first_search import depth_first_search


def graph(succ):
    """Nodes named by succ's keys, each with successors succ[name]."""
    nodes = {name: Node(name, None, []) for name in succ}
    for name, nexts in succ.items():
        nodes[name].successors = [nodes[n] for n in nexts]
    return nodes


def reach(succ, start, goal):
    g = graph(succ)
    return depth_first_search(g[start], g[goal])


CHAIN = {"a": ["b"], "b": ["c"], "c": ["d"], "d": []}
RING = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
DIAMOND = {"s": ["l", "r"], "l": ["t"], "r": ["t"], "t": [], "x": ["s"]}
SELF = {"a": ["a"], "b": []}

CASES = {
    "chain forward": lambda: reach(CHAIN, "a", "d"),
    "chain backward": lambda: reach(CHAIN, "d", "a"),
    "chain middle": lambda: reach(CHAIN, "b", "c"),
    "ring reaches all": lambda: reach(RING, "b", "a"),
    "ring cannot leave": lambda: reach(RING, "a", "d"),
    "ring entry": lambda: reach(RING, "d", "c"),
    "diamond join": lambda: reach(DIAMOND, "s", "t"),
    "diamond from above": lambda: reach(DIAMOND, "x", "r"),
    "diamond sink to source": lambda: reach(DIAMOND, "t", "s"),
    "self loop, goal elsewhere": lambda: reach(SELF, "a", "b"),
    "self loop to itself": lambda: reach(SELF, "a", "a"),
}
