"""Shortening text to a limit."""

from __future__ import annotations

from rich.cells import cell_len

from bot.text import shorten


def test_text_that_fits_is_returned_whole() -> None:
    """Text at or under the limit comes back unchanged, white space and all."""
    assert shorten("exactly ten", 11) == "exactly ten"
    assert shorten("  padded  ", 10) == "  padded  "


def test_text_over_the_limit_ends_in_an_ellipsis_within_the_limit() -> None:
    """A cut text is exactly the limit long, its last character an ellipsis."""
    assert shorten("abcdefghij", 5) == "abcd…"


def test_white_space_before_the_ellipsis_is_dropped() -> None:
    """A cut that falls after a space does not leave the space before the ellipsis."""
    assert shorten("word word", 6) == "word…"


def test_wide_characters_are_measured_in_terminal_cells() -> None:
    """Measured in cells, two-cell characters count twice and the result fits the cells."""
    shortened = shorten("日本語のテキスト", 7, cell_len)
    assert shortened == "日本語…"
    assert cell_len(shortened) <= 7
