"""The weekly board's chart."""

from __future__ import annotations

from bench import picture_data
from bot.pictures.board import HEIGHT, WIDTH, render_board_chart
from bot.pictures.data import BoardChart, BoardEntry
from tests.unit.pictures.pngs import colours, decoded, opaque


def test_the_chart_is_an_opaque_png_of_the_stated_size() -> None:
    """The PNG decodes to the chart's width and height, every pixel opaque."""
    picture = render_board_chart(picture_data.board_chart())
    assert (picture.width, picture.height) == (WIDTH, HEIGHT)
    assert decoded(picture).size == (WIDTH, HEIGHT)
    assert opaque(picture)


def test_the_chart_is_not_blank() -> None:
    """The chart uses many colours: names, the leader's bar and the others'."""
    assert colours(render_board_chart(picture_data.board_chart())) > 30


def test_the_same_board_gives_the_same_bytes() -> None:
    """Two renders of one board are byte for byte equal."""
    assert render_board_chart(picture_data.board_chart(5)).png == render_board_chart(picture_data.board_chart(5)).png


def test_alt_text_names_the_top_ten_with_their_points() -> None:
    """The alt text gives the title, the period and each of the first ten in rank order, no more."""
    entries = tuple(BoardEntry(f"learner{i}", 1000 - i) for i in range(12))
    alt = render_board_chart(BoardChart("Top ten", "Week of Mon 30 Nov", entries)).alt
    assert alt.startswith("Top ten, Week of Mon 30 Nov: 1. learner0, 1,000 points; 2. learner1, 999 points;")
    assert alt.endswith("10. learner9, 991 points.")
    assert "learner10" not in alt


def test_an_empty_board_gets_a_chart_that_says_so() -> None:
    """With nobody on the board the chart still renders, and its alt text says there are no points."""
    picture = render_board_chart(picture_data.empty_board())
    assert decoded(picture).size == (WIDTH, HEIGHT)
    assert colours(picture) > 5
    assert picture.alt == "This week's top ten, Week of Mon 30 Nov 2026, UTC: no points yet."


def test_names_are_drawn_as_written_not_as_formulas() -> None:
    """A name with dollar signs and TeX, which matplotlib would parse as maths, renders as plain text."""
    name = r"$\frac{$ and $x^2$"
    picture = render_board_chart(BoardChart("Top ten", "This week", (BoardEntry(name, 5),)))
    assert decoded(picture).size == (WIDTH, HEIGHT)
    assert name in picture.alt
