from cart import line_total, total


def test_line_total():
    assert line_total(2.5, 4) == 10.0


def test_total_without_discount():
    assert total([(10.0, 2), (5.0, 1)]) == 25.0


def test_total_with_discount():
    assert total([(10.0, 2), (5.0, 1)], discount_rate=0.1) == 22.5
