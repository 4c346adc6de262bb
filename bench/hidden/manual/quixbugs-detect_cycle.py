# Template: hand-built linked lists for detect_cycle (node.Node successor); make.mjs appends fixed/'s results.
import pytest
from node import Node

from detect_cycle import detect_cycle


def linked(n, back_to=None):
    """Head of a list of n nodes; the last one points back to node back_to (0-based) when given."""
    nodes = [Node(i) for i in range(n)]
    for a, b in zip(nodes, nodes[1:]):
        a.successor = b
    if back_to is not None:
        nodes[-1].successor = nodes[back_to]
    return nodes[0]


CASES = {
    "3 nodes, no cycle": lambda: detect_cycle(linked(3)),
    "4 nodes, no cycle": lambda: detect_cycle(linked(4)),
    "6 nodes, no cycle": lambda: detect_cycle(linked(6)),
    "1 node pointing to itself": lambda: detect_cycle(linked(1, 0)),
    "3 nodes, full cycle": lambda: detect_cycle(linked(3, 0)),
    "4 nodes, tail loops to 2nd": lambda: detect_cycle(linked(4, 1)),
    "6 nodes, last points to itself": lambda: detect_cycle(linked(6, 5)),
    "7 nodes, tail loops to 4th": lambda: detect_cycle(linked(7, 3)),
}
