"""A tiny shopping cart: line items, discounts and a total."""


def line_total(price, quantity):
    return price * quantity


def apply_discount(amount, rate):
    """Return the amount after taking off `rate` (0.1 means 10 % off)."""
    return round(amount * rate, 2)


def total(items, discount_rate=0.0):
    subtotal = sum(line_total(price, qty) for price, qty in items)
    return apply_discount(subtotal, discount_rate) if discount_rate else subtotal
