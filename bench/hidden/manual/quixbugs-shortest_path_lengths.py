# Template: hand-built weighted digraphs for shortest_path_lengths (all pairs); make.mjs appends fixed/'s results.
import pytest

from shortest_path_lengths import shortest_path_lengths

CASES = {
    "two nodes": lambda: shortest_path_lengths(2, {(0, 1): 4}),
    "shortcut through a third": lambda: shortest_path_lengths(3, {(0, 1): 1, (1, 2): 1, (0, 2): 5}),
    "negative edge": lambda: shortest_path_lengths(4, {(0, 1): 2, (1, 2): -1, (2, 3): 2, (0, 3): 4}),
    "cycle": lambda: shortest_path_lengths(3, {(0, 1): 1, (1, 2): 1, (2, 0): 1}),
    "isolated node": lambda: shortest_path_lengths(4, {(0, 1): 3, (1, 2): 2}),
    "five nodes": lambda: shortest_path_lengths(5, {(0, 1): 6, (0, 2): 1, (2, 1): 2, (1, 3): 1, (2, 3): 7, (3, 4): 2}),
}
