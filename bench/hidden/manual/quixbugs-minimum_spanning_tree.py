# Template: hand-built weighted graphs for minimum_spanning_tree; make.mjs appends fixed/'s results.
import pytest

from minimum_spanning_tree import minimum_spanning_tree

CASES = {
    "triangle": lambda: minimum_spanning_tree({(1, 2): 4, (2, 3): 1, (1, 3): 2}),
    "square with diagonal": lambda: minimum_spanning_tree({(1, 2): 3, (2, 3): 1, (3, 4): 4, (1, 4): 2, (1, 3): 5}),
    "path only": lambda: minimum_spanning_tree({(1, 2): 7, (2, 3): 8, (3, 4): 9}),
    "star plus rim": lambda: minimum_spanning_tree({(0, 1): 1, (0, 2): 1, (0, 3): 1, (1, 2): 0.5, (2, 3): 3}),
    "two heavy one light": lambda: minimum_spanning_tree({(1, 2): 10, (2, 3): 10, (1, 3): 1, (3, 4): 2, (2, 4): 6}),
    "five nodes": lambda: minimum_spanning_tree(
        {(1, 2): 2, (1, 3): 3, (2, 3): 1, (2, 4): 4, (3, 5): 5, (4, 5): 1, (1, 5): 9}),
}
