from search import index_of


def test_finds_first():
    assert index_of([1, 3, 5, 7], 1) == 0


def test_finds_middle():
    assert index_of([1, 3, 5, 7], 3) == 1


def test_missing_item():
    assert index_of([1, 3, 5, 7], 6) == -1
