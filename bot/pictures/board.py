"""The board chart: a board's top ten and their points as bars, for the weekly board post."""

from __future__ import annotations

from bot.pictures.data import BoardChart, Picture
from bot.text import shorten

WIDTH, HEIGHT = 800, 500
TOP = 10
NAME_LIMIT = 24


def render_board_chart(chart: BoardChart) -> Picture:
    """The board chart as a `WIDTH` x `HEIGHT` PNG, with alt text naming each learner's points."""
    from matplotlib.ticker import MaxNLocator

    from bot.pictures import canvas

    fig = canvas.figure(WIDTH, HEIGHT)
    canvas.heading(fig, shorten(canvas.drawable(chart.title), 50), shorten(canvas.drawable(chart.period), 80))
    entries = chart.entries[:TOP]
    ax = canvas.place(fig, 230, 92, 520, 380)
    if not entries:
        ax.set_axis_off()
        canvas.note(ax, "No points on this board yet.\nAnswer a quiz question to be the first!")
        return canvas.picture(fig, f"{chart.title}, {chart.period}: no points yet.")
    points = [max(e.points, 0) for e in entries]
    ax.barh(range(len(entries)), points, height=0.68, color=[canvas.ORANGE, *[canvas.BLUE] * (len(entries) - 1)])
    peak = max(points) or 1
    for row, value in enumerate(points):
        ax.text(value + peak * 0.01, row, f"{value:,} pts", va="center", fontsize=10, color=canvas.INK)
    names = [f"{rank}. {shorten(canvas.drawable(e.name), NAME_LIMIT)}" for rank, e in enumerate(entries, start=1)]
    ax.set_yticks(list(range(len(entries))), names, fontsize=12)
    ax.set_ylim(TOP - 0.5, -0.5)
    ax.set_xlim(0, peak * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.tick_params(axis="x", labelsize=9, labelcolor=canvas.MUTED)
    ax.grid(axis="x", color=canvas.GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    return canvas.picture(fig, board_alt(chart))


def board_alt(chart: BoardChart) -> str:
    """The board in words: its title and period, then each learner's rank, name and points."""
    ranks = "; ".join(
        f"{rank}. {e.name}, {e.points:,} point{'' if e.points == 1 else 's'}"
        for rank, e in enumerate(chart.entries[:TOP], start=1)
    )
    return f"{chart.title}, {chart.period}: {ranks}."
