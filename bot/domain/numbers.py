"""Numbers typed by people or carried by buttons: ASCII decimal digits only, and few of them."""

from __future__ import annotations


def small_number(text: str, max_digits: int) -> int | None:
    """`text` as a non-negative number, or None unless it is 1 to `max_digits` ASCII digits.

    `str.isdigit()` alone accepts `²` and other digits that `int()` refuses, and `int()` alone
    accepts any length; both are bad input here, not errors.
    """
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
