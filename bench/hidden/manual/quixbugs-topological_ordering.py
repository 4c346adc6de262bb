# Template: hand-built DAGs for topological_ordering (node.Node in/outgoing); make.mjs appends fixed/'s results.
import pytest
from node import Node

from topological_ordering import topological_ordering


def order(names, edges):
    """Values in the order returned for the DAG with these nodes (in this order) and (from, to) edges."""
    nodes = {n: Node(n, None, [], [], [], []) for n in names}
    for a, b in edges:
        nodes[a].outgoing_nodes = nodes[a].outgoing_nodes + [nodes[b]]
        nodes[b].incoming_nodes = nodes[b].incoming_nodes + [nodes[a]]
    return [x.value for x in topological_ordering([nodes[n] for n in names])]


CASES = {
    "chain": lambda: order(["c", "b", "a"], [("a", "b"), ("b", "c")]),
    "diamond": lambda: order(["d", "b", "c", "a"], [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]),
    "join needs both parents": lambda: order(["x", "y", "z", "w"], [("x", "z"), ("y", "z"), ("x", "w"), ("z", "w")]),
    "two roots": lambda: order([1, 2, 3, 4, 5], [(1, 3), (2, 3), (3, 4), (2, 5), (4, 5)]),
    "no edges": lambda: order(["p", "q", "r"], []),
    "long and short path": lambda: order(["s", "a", "b", "c", "t"], [("s", "a"), ("a", "b"), ("b", "c"), ("c", "t"), ("s", "t")]),
}
