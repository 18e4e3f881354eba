"""matplotlib set up for the pictures: Agg, DejaVu Sans, the palette, axes placed in pixels, PNG out.

Only the renderers import this module, inside their functions, so matplotlib loads on the first
render. Every picture gets its own `Figure` on its own `FigureCanvasAgg` (never pyplot, which
keeps global state), so renders in different threads share nothing but matplotlib's font cache.
"""

from __future__ import annotations

import io
import re
from functools import cache

import matplotlib

matplotlib.use("Agg")
# Set once, when the first render imports this module: the font that ships with matplotlib, and
# text drawn as written, so a name such as "$\frac{$" is not read as a formula (and cannot fail).
matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
matplotlib.rcParams["text.parse_math"] = False
matplotlib.rcParams["text.usetex"] = False

from matplotlib import font_manager  # noqa: E402  (after choosing the backend)
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from bot.pictures.data import Picture  # noqa: E402
from bot.text import shorten  # noqa: E402

DPI = 100
# A light card with dark ink: opaque, so it reads the same on a light or a dark chat theme.
BACKGROUND = "#F7F7F4"
INK = "#1B1F24"
MUTED = "#57606A"
GRID = "#D8DCE0"
EMPTY = "#E4E6E9"
# The Okabe-Ito palette, told apart with every common colour-vision deficiency.
BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
# Light to dark blue for the calendar's busier days, one hue so only lightness carries the count.
HEAT = ("#9ECAE9", "#4A98CF", "#1F6AA5", "#08306B")
ALT_LIMIT = 1000  # Discord allows 1,024 characters of alt text, Slack 2,000


@cache
def _font_characters() -> frozenset[int]:
    """The code points DejaVu Sans has glyphs for."""
    return frozenset(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())


def drawable(text: str) -> str:
    """`text` without the characters the font has no glyph for, which would show as empty boxes.

    DejaVu Sans draws Latin, Greek and Cyrillic but not emoji or most other scripts; a text with
    nothing left is "?". Alt text keeps the whole text: only what is drawn loses them.
    """
    known = _font_characters()
    kept = "".join(c for c in text if ord(c) in known or c.isspace())
    return re.sub(r"\s+", " ", kept).strip() or "?"


def figure(width: int, height: int) -> Figure:
    """A blank figure exactly `width` x `height` pixels, on the card's background."""
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    return fig


def place(fig: Figure, left: float, top: float, width: float, height: float) -> Axes:
    """Axes at a box given in pixels from the figure's top left corner, styled for the card."""
    fig_width, fig_height = fig.get_size_inches() * DPI
    ax = fig.add_axes((left / fig_width, 1 - (top + height) / fig_height, width / fig_width, height / fig_height))
    ax.set_facecolor(BACKGROUND)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=MUTED, labelcolor=INK, labelsize=10, length=0)
    return ax


def heading(fig: Figure, title: str, subtitle: str) -> None:
    """The picture's title and a line under it, at the top left."""
    fig.text(*at(fig, 24, 18), title, fontsize=18, fontweight="bold", color=INK, va="top")
    fig.text(*at(fig, 24, 50), subtitle, fontsize=11, color=MUTED, va="top")


def at(fig: Figure, left: float, top: float) -> tuple[float, float]:
    """A point given in pixels from the top left corner, in figure coordinates."""
    fig_width, fig_height = fig.get_size_inches() * DPI
    return left / fig_width, 1 - top / fig_height


def note(ax: Axes, text: str) -> None:
    """A message in the middle of empty axes, such as "No answers yet"."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=12, color=MUTED)


def picture(fig: Figure, alt: str) -> Picture:
    """The figure as PNG bytes with its alt text; the same figure always gives the same bytes."""
    buffer = io.BytesIO()
    # No "Software" entry: the PNG holds no matplotlib version, so equal pictures are equal bytes.
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND, metadata={"Software": None})
    width, height = fig.canvas.get_width_height()
    # Clearing breaks about a third of the figure's reference cycles, so less is left for Python's
    # slow full garbage collections, which would otherwise pause a later render.
    fig.clear()
    return Picture(png=buffer.getvalue(), width=width, height=height, alt=shorten(alt, ALT_LIMIT))
