"""The learner's progress card."""

from __future__ import annotations

import datetime as dt

from bench import picture_data
from bot.domain.activity import calendar_start
from bot.pictures.data import DayCount, ProgressCard, SectionScore
from bot.pictures.progress import HEIGHT, WIDTH, month_starts, render_progress_card, shade
from tests.unit.pictures.pngs import colours, decoded, opaque

TODAY = dt.date(2026, 12, 1)  # a Tuesday


def small_card(days: tuple[DayCount, ...] = ()) -> ProgressCard:
    """A card with two sections, one of them not started."""
    sections = (SectionScore("Memory", 10, 7, 5, 20), SectionScore("Async", 0, 0, 0, 24))
    return ProgressCard("ada", TODAY, days, sections, streak=3, best_streak=9, points=420)


def test_the_card_is_a_png_of_the_stated_size() -> None:
    """The PNG decodes to exactly the card's width and height."""
    picture = render_progress_card(picture_data.progress_card())
    assert (picture.width, picture.height) == (WIDTH, HEIGHT)
    assert decoded(picture).size == (WIDTH, HEIGHT)


def test_the_card_is_drawn_on_an_opaque_background() -> None:
    """No pixel is transparent, so a dark chat theme does not show through the text."""
    assert opaque(render_progress_card(picture_data.progress_card()))


def test_the_card_is_not_blank() -> None:
    """The card uses many colours: text, calendar shades and two bar colours."""
    assert colours(render_progress_card(picture_data.progress_card())) > 50


def test_the_same_history_gives_the_same_bytes() -> None:
    """Two renders of one seeded history are byte for byte equal."""
    card = picture_data.progress_card(7)
    assert render_progress_card(card).png == render_progress_card(picture_data.progress_card(7)).png


def test_a_different_history_gives_a_different_picture() -> None:
    """One more answer on a day changes the picture."""
    before = render_progress_card(small_card((DayCount(TODAY, 3),)))
    after = render_progress_card(small_card((DayCount(TODAY, 30),)))
    assert before.png != after.png


def test_alt_text_gives_the_key_figures() -> None:
    """The alt text says the streak, best streak, points, answers, busiest day and each started section."""
    days = (DayCount(TODAY, 2), DayCount(TODAY - dt.timedelta(days=3), 5))
    alt = render_progress_card(small_card(days)).alt
    assert "streak 3 days, best streak 9 days, 420 points" in alt
    assert "7 answers on 2 days, the most on Sat 28 Nov (5)" in alt
    assert "Memory 70% right of 10 answers, 5 of 20 questions mastered" in alt
    assert "1 section not started yet" in alt


def test_a_new_learner_gets_a_card_that_says_so() -> None:
    """With no answers the card still renders, and its alt text says there are none."""
    picture = render_progress_card(picture_data.new_learner())
    assert decoded(picture).size == (WIDTH, HEIGHT)
    assert colours(picture) > 10
    assert "No answers in the last 12 weeks" in picture.alt
    assert "8 sections not started yet" in picture.alt


def test_answers_older_than_the_calendar_are_left_out() -> None:
    """Answers before the calendar's first Monday do not count in the card's totals."""
    old = calendar_start(TODAY) - dt.timedelta(days=1)
    alt = render_progress_card(small_card((DayCount(old, 50), DayCount(TODAY, 1)))).alt
    assert "1 answer on 1 day" in alt


def test_month_names_head_the_weeks_that_hold_a_first() -> None:
    """A month's name heads the week its 1st falls in, and the first week names its own month."""
    assert month_starts(dt.date(2026, 9, 14)) == {0: "Sep", 2: "Oct", 6: "Nov", 11: "Dec"}


def test_the_first_week_is_not_named_when_the_next_begins_a_month() -> None:
    """Two month names never sit in neighbouring columns at the start."""
    assert month_starts(dt.date(2026, 9, 21)) == {1: "Oct", 5: "Nov", 10: "Dec"}


def test_shades_step_up_at_the_stated_counts() -> None:
    """No answers is shade 0; 1, 5, 10 and 20 answers start shades 1 to 4."""
    assert [shade(n) for n in (0, 1, 4, 5, 9, 10, 19, 20, 500)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
