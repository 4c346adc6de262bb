"""Turn points into letter grades and average them."""


def letter(points):
    if points > 90:
        return "A"
    if points >= 80:
        return "B"
    if points >= 70:
        return "C"
    return "F"


def average(points):
    """Mean of a list of points; 0 for an empty list."""
    return sum(points) / len(points)
