"""Shortening text to a length limit: the one way every renderer and message cuts text."""

from __future__ import annotations

from collections.abc import Callable

ELLIPSIS = "…"


def shorten(text: str, limit: int, measure: Callable[[str], int] = len) -> str:
    """`text` whole when it fits in `limit`, else cut to fit with an ellipsis, white space before it dropped.

    `measure` says how long a text is: its characters by default, or, say, the cells it takes
    in a terminal, where some characters are two cells wide.
    """
    if measure(text) <= limit:
        return text
    room = limit - measure(ELLIPSIS)
    low, high = 0, len(text)  # the longest prefix that fits in `room` is text[:low]
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS
