"""The team chart: recall by topic and participation by day."""

from __future__ import annotations

import datetime as dt

from bench import picture_data
from bot.pictures.data import DayCount, TeamChart, TopicRecall
from bot.pictures.team import HEIGHT, ROWS, WIDTH, fading, ranked, render_team_chart, rows
from tests.unit.pictures.pngs import colours, decoded, opaque

TODAY = dt.date(2026, 12, 1)


def recall(title: str, value: float | None, learners: int = 1) -> TopicRecall:
    """A topic's recall, None for a topic nobody practised."""
    return TopicRecall(title, value, learners if value is not None else 0)


def test_the_chart_is_an_opaque_png_of_the_stated_size() -> None:
    """The PNG decodes to the chart's width and height, every pixel opaque."""
    picture = render_team_chart(picture_data.team_chart())
    assert (picture.width, picture.height) == (WIDTH, HEIGHT)
    assert decoded(picture).size == (WIDTH, HEIGHT)
    assert opaque(picture)


def test_the_chart_is_not_blank() -> None:
    """The chart uses many colours: text, two bar colours and the hatching."""
    assert colours(render_team_chart(picture_data.team_chart())) > 50


def test_the_same_history_gives_the_same_bytes() -> None:
    """Two renders of one seeded history are byte for byte equal."""
    assert render_team_chart(picture_data.team_chart(3)).png == render_team_chart(picture_data.team_chart(3)).png


def test_topics_rank_by_recall_lowest_first_and_unpractised_apart() -> None:
    """Practised topics sort by recall (ties by title); topics nobody practised come apart, by title."""
    topics = (recall("b", 0.9), recall("z", None), recall("a", 0.4), recall("c", 0.4), recall("y", None))
    practised, never = ranked(topics)
    assert [t.title for t in practised] == ["a", "c", "b"]
    assert [t.title for t in never] == ["y", "z"]


def test_rows_keep_room_for_topics_nobody_practised() -> None:
    """With more practised topics than rows, the last three rows still show unpractised topics."""
    practised = [recall(f"p{i:02}", i / 100) for i in range(30)]
    never = [recall(f"n{i}", None) for i in range(5)]
    drawn, undrawn = rows(practised, never)
    assert [t.title for t in drawn] == [f"p{i:02}" for i in range(ROWS - 3)] + ["n0", "n1", "n2"]
    assert len(undrawn) == 30 + 5 - ROWS


def test_unpractised_topics_fill_the_rows_practised_ones_leave() -> None:
    """With two practised topics, the other rows go to unpractised ones."""
    drawn, undrawn = rows([recall("a", 0.5), recall("b", 0.6)], [recall(f"n{i:02}", None) for i in range(20)])
    assert [t.title for t in drawn[:3]] == ["a", "b", "n00"]
    assert len(drawn) == ROWS
    assert len(undrawn) == 22 - ROWS


def test_alt_text_gives_the_lowest_recall_and_the_answers() -> None:
    """The alt text names topics lowest first with learners, the unpractised count and the answer totals."""
    chart = TeamChart(
        "Platform",
        TODAY,
        (recall("Async", 0.42, 3), recall("Span", 0.9, 1), recall("GC", None)),
        (DayCount(TODAY, 12), DayCount(TODAY - dt.timedelta(days=10), 30), DayCount(TODAY - dt.timedelta(days=40), 99)),
    )
    alt = render_team_chart(chart).alt
    assert "Recall by topic, lowest first: Async 42% (3 learners); Span 90% (1 learner)." in alt
    assert "1 topic not practised yet." in alt
    assert "42 answers on 2 days, the most on Sat 21 Nov (30); 12 in the last 7 days." in alt


def test_a_team_with_no_practice_gets_a_chart_that_says_so() -> None:
    """With no answers and no cards the chart still renders, and its alt text says so."""
    picture = render_team_chart(picture_data.idle_team())
    assert decoded(picture).size == (WIDTH, HEIGHT)
    assert colours(picture) > 10
    assert "30 topics not practised yet." in picture.alt
    assert "No answers in the last 28 days." in picture.alt


def test_a_recall_is_fading_as_its_label_shows_it() -> None:
    """69.4% (labelled 69%) is fading; 69.6% is labelled 70% and so is not."""
    assert fading(69.4)
    assert not fading(69.6)
    assert not fading(70.0)
