"""The learner's progress card: 12 weeks of study days, results per section, streak and points."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.domain.activity import WEEKS_KEPT, calendar_start
from bot.pictures.data import Picture, ProgressCard, SectionScore, daily_counts, day_label
from bot.text import shorten
from bot.usecases.format import percent, plural

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH, HEIGHT = 900, 640
WEEKS = WEEKS_KEPT
CELL = 26  # pixels per calendar day, its gap included
# Answers in a day from which a calendar cell takes each shade: none, then HEAT's four.
SHADES = (1, 5, 10, 20)
SHADE_LABELS = ("0", "1–4", "5–9", "10–19", "20+")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
TITLE_LIMIT = 34  # characters of a section's title beside its bars
NAME_LIMIT = 40  # characters of the learner's name in the title


def month_starts(start: dt.date) -> dict[int, str]:
    """The calendar's week columns that begin a month, with the month's short name.

    A column begins a month when the 1st falls in it; the first column names its own month unless
    the second begins one, so two names never touch.
    """
    starts = {}
    for week in range(WEEKS):
        sunday = start + dt.timedelta(weeks=week, days=6)
        if sunday.day <= 7:
            starts[week] = f"{sunday:%b}"
    if 0 not in starts and 1 not in starts:
        starts[0] = f"{start:%b}"
    return dict(sorted(starts.items()))


def shade(answers: int) -> int:
    """A day's shade: 0 for no answers, else 1 to 4 as the day reaches each of `SHADES`."""
    return sum(answers >= low for low in SHADES)


def render_progress_card(card: ProgressCard) -> Picture:
    """The progress card as a `WIDTH` x `HEIGHT` PNG, with alt text giving its figures."""
    from bot.pictures import canvas

    fig = canvas.figure(WIDTH, HEIGHT)
    name = shorten(canvas.drawable(card.name), NAME_LIMIT)
    canvas.heading(fig, f"{name}'s progress", f"The last {WEEKS} weeks, to {day_label(card.today)}")
    start = calendar_start(card.today)
    counts = daily_counts(card.days, card.today, (card.today - start).days + 1)
    _calendar(fig, start, counts)
    _tiles(fig, card, counts)
    _sections(canvas.place(fig, 290, 392, 560, 220), card.sections)
    return canvas.picture(fig, progress_alt(card, counts))


def _calendar(fig: Figure, start: dt.date, counts: list[int]) -> None:
    """The heatmap of study days: a column per week, Monday at the top, days after today left out."""
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from bot.pictures import canvas

    grid = np.full((7, WEEKS), np.nan)  # days after today stay NaN, which the colour map leaves out
    for index, answers in enumerate(counts):
        grid[index % 7, index // 7] = shade(answers)
    colours = [canvas.EMPTY, *canvas.HEAT]
    ax = canvas.place(fig, 64, 112, WEEKS * CELL, 7 * CELL)
    ax.pcolormesh(grid, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(SHADES) + 0.5,
                  edgecolors=canvas.BACKGROUND, linewidth=3)
    ax.set_ylim(7, 0)
    ax.set_yticks([row + 0.5 for row in range(7)], WEEKDAYS)
    months = month_starts(start)
    ax.xaxis.tick_top()
    ax.set_xticks([week + 0.1 for week in months], list(months.values()), ha="left")
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(
        handles=[Patch(color=colour, label=label) for colour, label in zip(colours, SHADE_LABELS, strict=True)],
        title="answers a day", title_fontsize=9, alignment="left", loc="upper left", bbox_to_anchor=(0, 0),
        ncols=len(colours), frameon=False, fontsize=9, labelcolor=canvas.MUTED, handlelength=1, handleheight=1,
        handletextpad=0.4, columnspacing=0.9, borderaxespad=0.2,
    )


def _tiles(fig: Figure, card: ProgressCard, counts: list[int]) -> None:
    """Streak, best streak and points as big figures, and the calendar's totals under them."""
    from bot.pictures import canvas

    tiles = (
        ("Streak", plural(card.streak, "day")),
        ("Best streak", plural(card.best_streak, "day")),
        ("Points", f"{card.points:,}"),
    )
    for index, (label, value) in enumerate(tiles):
        left = 470 + index * 140
        fig.text(*canvas.at(fig, left, 118), label, fontsize=11, color=canvas.MUTED, va="top")
        fig.text(*canvas.at(fig, left, 140), value, fontsize=20, fontweight="bold", color=canvas.INK, va="top")
    active = sum(1 for n in counts if n)
    total = sum(counts)
    summary = (
        f"{plural(total, 'answer')} on {plural(active, 'day')}\nin the last {WEEKS} weeks"
        if total
        else f"No answers in the last {WEEKS} weeks.\nStart with /study quiz!"
    )
    fig.text(*canvas.at(fig, 470, 210), summary, fontsize=12, color=canvas.INK, va="top", linespacing=1.5)


def _sections(ax: Axes, sections: tuple[SectionScore, ...]) -> None:
    """Accuracy and mastery per section as pairs of horizontal bars, first section at the top."""
    from bot.pictures import canvas

    rows = range(len(sections))
    accuracy = [100 * s.accuracy for s in sections]
    mastery = [100 * s.mastery for s in sections]
    ax.barh([r - 0.2 for r in rows], accuracy, height=0.38, color=canvas.BLUE, label="Accuracy (answers right)")
    ax.barh([r + 0.2 for r in rows], mastery, height=0.38, color=canvas.ORANGE,
            label="Mastered (questions right at least once)")
    for row, section in enumerate(sections):
        if section.answers:
            ax.text(accuracy[row] + 1, row - 0.2, percent(section.correct, section.answers), va="center",
                    fontsize=8, color=canvas.INK)
            ax.text(mastery[row] + 1, row + 0.2, percent(section.mastered, section.questions), va="center",
                    fontsize=8, color=canvas.INK)
        else:
            ax.text(1, row, "not started", va="center", fontsize=9, color=canvas.MUTED)
    ax.set_yticks(list(rows), [shorten(canvas.drawable(s.title), TITLE_LIMIT) for s in sections])
    ax.set_ylim(len(sections) - 0.5, -0.5)
    ax.set_xlim(0, 108)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=9, color=canvas.MUTED)
    ax.grid(axis="x", color=canvas.GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="lower left", bbox_to_anchor=(-0.47, 1.03), ncols=2, frameon=False, fontsize=10,
              labelcolor=canvas.INK, handlelength=1.2, borderaxespad=0)


def progress_alt(card: ProgressCard, counts: list[int]) -> str:
    """The card in words: streak, points, the calendar's totals and busiest day, and each section."""
    parts = [
        f"Progress card for {card.name}: streak {plural(card.streak, 'day')}, best streak "
        f"{plural(card.best_streak, 'day')}, {card.points:,} points."
    ]
    total = sum(counts)
    if total:
        busiest = max(range(len(counts)), key=lambda i: (counts[i], i))
        day = calendar_start(card.today) + dt.timedelta(days=busiest)
        parts.append(
            f"In the last {WEEKS} weeks: {plural(total, 'answer')} on {plural(sum(1 for n in counts if n), 'day')}, "
            f"the most on {day_label(day)} ({counts[busiest]})."
        )
    else:
        parts.append(f"No answers in the last {WEEKS} weeks.")
    started = [s for s in card.sections if s.answers]
    if started:
        parts.append(
            "By section: "
            + "; ".join(
                f"{s.title} {percent(s.correct, s.answers)} right of {plural(s.answers, 'answer')}, "
                f"{s.mastered} of {s.questions} questions mastered"
                for s in started
            )
            + "."
        )
    if len(started) < len(card.sections):
        parts.append(f"{plural(len(card.sections) - len(started), 'section')} not started yet.")
    return " ".join(parts)
