# Template: hand-built linked lists for reverse_linked_list (node.Node successor); make.mjs appends fixed/'s results.
import pytest
from node import Node

from reverse_linked_list import reverse_linked_list


def reversed_values(values):
    """Values read along the list returned for a list holding `values` in order."""
    head = None
    for v in reversed(values):
        head = Node(v, head)
    node, out = reverse_linked_list(head), []
    while node is not None and len(out) <= len(values):
        out.append(node.value)
        node = node.successor
    return out


CASES = {
    "two nodes": lambda: reversed_values([1, 2]),
    "three nodes": lambda: reversed_values(["a", "b", "c"]),
    "four nodes": lambda: reversed_values([4, 3, 2, 1]),
    "six nodes with repeats": lambda: reversed_values([7, 7, 0, 7, 1, 1]),
    "nine nodes": lambda: reversed_values(list(range(9))),
}
