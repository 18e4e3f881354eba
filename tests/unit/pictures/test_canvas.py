"""What the pictures draw text with."""

from __future__ import annotations

import warnings

from bot.pictures.board import render_board_chart
from bot.pictures.canvas import drawable
from bot.pictures.data import BoardChart, BoardEntry


def test_characters_the_font_lacks_are_left_out_of_drawn_text() -> None:
    """Emoji and CJK, which DejaVu Sans has no glyphs for, are dropped; Latin, Greek and Cyrillic stay."""
    assert drawable("ada 🚀 Ωmega Жанна") == "ada Ωmega Жанна"
    assert drawable("🚀 ada  日本 x") == "ada x"


def test_text_with_nothing_drawable_is_a_question_mark() -> None:
    """A name the font can draw none of still shows something."""
    assert drawable("日本 🚀") == "?"


def test_a_name_with_emoji_renders_without_missing_glyph_warnings() -> None:
    """Rendering a board with emoji in a name warns of no missing glyph, and the alt text keeps the emoji."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        picture = render_board_chart(BoardChart("Top ten 🏆", "This week", (BoardEntry("ada 🚀", 5),)))
    assert "ada 🚀" in picture.alt
