"""The team chart: what the team is forgetting (recall by topic) and how much it studies (answers a day)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.pictures.data import Picture, TeamChart, TopicRecall, daily_counts, day_label
from bot.text import shorten
from bot.usecases.format import plural

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH, HEIGHT = 900, 760
ROWS = 14  # topics drawn; the rest are summed up under the bars
NEVER_ROWS = 3  # rows kept for topics nobody practised, when there are such topics and more to draw
DAYS = 28
FADING = 70  # recall under this percentage, as the bar's label rounds it, is drawn in the warning colour
TITLE_LIMIT = 31  # characters of a topic's name beside its bar
NAME_LIMIT = 40  # characters of the team's name in the title
ALT_TOPICS = 8  # practised topics named in the alt text


def ranked(topics: tuple[TopicRecall, ...]) -> tuple[list[TopicRecall], list[TopicRecall]]:
    """Practised topics by recall, lowest first (ties by title), and the never-practised ones by title."""
    practised = sorted((t for t in topics if t.recall is not None), key=lambda t: (t.recall, t.title))
    never = sorted((t for t in topics if t.recall is None), key=lambda t: t.title)
    return practised, never


def fading(percent: float) -> bool:
    """Whether a recall, in percent, is drawn as fading: judged as its label shows it, rounded."""
    return round(percent) < FADING


def rows(practised: list[TopicRecall], never: list[TopicRecall]) -> tuple[list[TopicRecall], list[TopicRecall]]:
    """The topics drawn as bars, in order, and those left out.

    The lowest-recall practised topics come first; up to `NEVER_ROWS` rows are kept for topics
    nobody practised (more when there are fewer practised topics to draw), so they always show.
    """
    practised_rows = min(len(practised), ROWS - min(len(never), NEVER_ROWS))
    never_rows = min(len(never), ROWS - practised_rows)
    drawn = practised[:practised_rows] + never[:never_rows]
    return drawn, practised[practised_rows:] + never[never_rows:]


def render_team_chart(chart: TeamChart) -> Picture:
    """The team chart as a `WIDTH` x `HEIGHT` PNG, with alt text giving its figures."""
    from bot.pictures import canvas

    fig = canvas.figure(WIDTH, HEIGHT)
    team = shorten(canvas.drawable(chart.team), NAME_LIMIT)
    canvas.heading(fig, f"What {team} is forgetting", f"As of {day_label(chart.today)}")
    practised, never = ranked(chart.topics)
    fig.text(*canvas.at(fig, 24, 88), "Recall: the chance that a learner who practised a topic still remembers it",
             fontsize=12, fontweight="bold", color=canvas.INK, va="top")
    if practised:
        drawn, undrawn = rows(practised, never)
        _recall(canvas.place(fig, 270, 142, 580, ROWS * 24), drawn)
        if undrawn:
            fig.text(*canvas.at(fig, 270, 142 + ROWS * 24 + 30), _more(undrawn), fontsize=10, color=canvas.MUTED,
                     va="top")
    else:
        ax = canvas.place(fig, 24, 142, WIDTH - 48, ROWS * 24)
        ax.set_axis_off()
        canvas.note(ax, f"Nobody has practised a topic yet: {plural(len(never), 'topic')} to start on.")
    counts = daily_counts(chart.days, chart.today, DAYS)
    fig.text(*canvas.at(fig, 24, 530), f"Answers a day, the last {DAYS} days", fontsize=12, fontweight="bold",
             color=canvas.INK, va="top")
    _participation(canvas.place(fig, 70, 565, 790, 150), chart.today, counts)
    return canvas.picture(fig, team_alt(chart, practised, never, counts))


def _recall(ax: Axes, drawn: list[TopicRecall]) -> None:
    """A bar per topic, lowest recall at the top, and hatched rows for topics nobody practised."""
    from matplotlib.patches import Patch

    from bot.pictures import canvas

    known = [(row, 100 * topic.recall, topic.learners) for row, topic in enumerate(drawn) if topic.recall is not None]
    unknown = [row for row, topic in enumerate(drawn) if topic.recall is None]
    ax.barh([row for row, _, _ in known], [value for _, value, _ in known], height=0.7,
            color=[canvas.VERMILLION if fading(value) else canvas.BLUE for _, value, _ in known])
    for row, value, learners in known:
        ax.text(value + 1, row, f"{value:.0f}% · {plural(learners, 'learner')}", va="center", fontsize=9,
                color=canvas.INK)
    if unknown:
        ax.barh(unknown, 100, height=0.7, color=canvas.BACKGROUND, edgecolor=canvas.GRID, hatch="///", linewidth=0.8)
    for row in unknown:
        ax.text(2, row, "not practised yet", va="center", fontsize=9, color=canvas.MUTED,
                bbox={"facecolor": canvas.BACKGROUND, "edgecolor": "none", "pad": 1})
    ax.set_yticks(list(range(len(drawn))), [shorten(canvas.drawable(t.title), TITLE_LIMIT) for t in drawn], fontsize=10)
    ax.set_ylim(ROWS - 0.5, -0.5)
    ax.set_xlim(0, 122)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=9, color=canvas.MUTED)
    ax.grid(axis="x", color=canvas.GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(
        handles=[
            Patch(color=canvas.VERMILLION, label=f"under {FADING}%: fading"),
            Patch(color=canvas.BLUE, label=f"{FADING}% or more"),
            Patch(facecolor=canvas.BACKGROUND, edgecolor=canvas.GRID, hatch="///", label="not practised yet"),
        ],
        loc="lower left", bbox_to_anchor=(-0.42, 1.01), ncols=3, frameon=False, fontsize=10, labelcolor=canvas.INK,
        handlelength=1.2, borderaxespad=0,
    )


def _more(undrawn: list[TopicRecall]) -> str:
    """The line under the bars for the topics left out: how many, and what they are."""
    practised = [t.recall for t in undrawn if t.recall is not None]
    never = len(undrawn) - len(practised)
    parts = []
    if practised:
        parts.append(f"{plural(len(practised), 'topic')} with recall {min(practised):.0%} or more")
    if never:
        parts.append(f"{plural(never, 'more topic')} not practised yet")
    return "Not shown: " + " and ".join(parts) + "."


def _participation(ax: Axes, today: dt.date, counts: list[int]) -> None:
    """The team's answers on each of the last `DAYS` days as columns, a date under every week."""
    from matplotlib.ticker import MaxNLocator

    from bot.pictures import canvas

    first = today - dt.timedelta(days=DAYS - 1)
    ax.bar(range(DAYS), counts, width=0.75, color=canvas.BLUE)
    ticks = list(range(DAYS - 1, -1, -7))[::-1]
    ax.set_xticks(ticks, [day_label(first + dt.timedelta(days=i)) for i in ticks], fontsize=9)
    ax.set_xlim(-0.6, DAYS - 0.4)
    peak = max(counts)
    ax.set_ylim(0, peak * 1.15 if peak else 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.grid(axis="y", color=canvas.GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    if not peak:
        ax.set_yticks([], [])
        canvas.note(ax, f"No answers in the last {DAYS} days")


def team_alt(chart: TeamChart, practised: list[TopicRecall], never: list[TopicRecall], counts: list[int]) -> str:
    """The chart in words: the lowest recall by topic, topics not practised, and the answers by day."""
    parts = [f"Team chart for {chart.team}."]
    if practised:
        named = "; ".join(
            f"{t.title} {t.recall or 0.0:.0%} ({plural(t.learners, 'learner')})" for t in practised[:ALT_TOPICS]
        )
        more = f" and {len(practised) - ALT_TOPICS} more" if len(practised) > ALT_TOPICS else ""
        parts.append(f"Recall by topic, lowest first: {named}{more}.")
    parts.append(f"{plural(len(never), 'topic')} not practised yet." if never else "Every topic has been practised.")
    total = sum(counts)
    if total:
        busiest = max(range(DAYS), key=lambda i: (counts[i], i))
        day = chart.today - dt.timedelta(days=DAYS - 1 - busiest)
        parts.append(
            f"In the last {DAYS} days: {plural(total, 'answer')} on {plural(sum(1 for n in counts if n), 'day')}, "
            f"the most on {day_label(day)} ({counts[busiest]}); {sum(counts[-7:])} in the last 7 days."
        )
    else:
        parts.append(f"No answers in the last {DAYS} days.")
    return " ".join(parts)
