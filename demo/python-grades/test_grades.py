from grades import average, letter


def test_letter_a():
    assert letter(95) == "A"


def test_letter_boundary():
    assert letter(90) == "A"


def test_letter_f():
    assert letter(12) == "F"


def test_average():
    assert average([80, 90, 100]) == 90


def test_average_of_nothing():
    assert average([]) == 0
