# Template: hand-built weighted digraphs for shortest_paths (single source); make.mjs appends fixed/'s results.
import pytest

from shortest_paths import shortest_paths

CASES = {
    "two hops beat one": lambda: shortest_paths("A", {("A", "B"): 1, ("B", "C"): 1, ("A", "C"): 3}),
    "negative edge": lambda: shortest_paths("A", {("A", "B"): 4, ("A", "C"): 1, ("C", "B"): -2, ("B", "D"): 1}),
    "from the middle": lambda: shortest_paths("B", {("A", "B"): 1, ("B", "C"): 2, ("C", "D"): 2, ("B", "D"): 5}),
    "chain": lambda: shortest_paths("A", {("A", "B"): 2, ("B", "C"): 2, ("C", "D"): 2, ("D", "E"): 2}),
    "cycle": lambda: shortest_paths("A", {("A", "B"): 1, ("B", "C"): 1, ("C", "A"): 1, ("C", "D"): 3}),
    "diamond": lambda: shortest_paths("S", {("S", "L"): 1, ("S", "R"): 4, ("L", "R"): 2, ("L", "T"): 6, ("R", "T"): 1}),
}
