"""Small text helpers shared by the use cases' messages."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

from bot.content.models import Course, Topic
from bot.domain.periods import zone
from bot.text import shorten


def topic_footer(course: Course, topic: Topic) -> str:
    """Where a topic is in the course, like "Topic 6/30 · Advanced Asynchronous Programming"."""
    section = course.section_by_id[topic.section_id]
    return f"Topic {course.topic_number(topic.id)}/{len(course.topics)} · {section.title}"


def difficulty_label(level: int) -> str:
    """A difficulty as dots, like "●●○"."""
    return "●" * level + "○" * (3 - level)


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """A text progress bar such as ▰▰▰▱▱▱▱▱▱▱ 9/30."""
    filled = round(width * done / total) if total else 0
    return "▰" * filled + "▱" * (width - filled) + f" {done}/{total}"


def plural(n: int, word: str) -> str:
    """`1 day`, `2 days`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def percent(part: int, whole: int) -> str:
    """`83%`, or an en dash when there is nothing to divide."""
    return f"{round(100 * part / whole)}%" if whole else "–"


MEDALS = ("🥇", "🥈", "🥉")


def board_line(rank: int, name: str, points: int, right: int) -> str:
    """One leaderboard line: medal or rank, name, points and right answers."""
    badge = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
    return f"{badge} **{name}**: {points} pts ({plural(right, 'right answer')})"


def reference_label(url: str, limit: int = 70) -> str:
    """A link's text: host and path without scheme, locale or query (`learn.microsoft.com/dotnet/…`)."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = re.sub(r"^/[a-z]{2}-[a-z]{2}(?=/)", "", unquote(parts.path)).rstrip("/")
    text = f"{host}{path}" if host else url
    if len(text) <= limit:
        return text
    tail = path.rsplit("/", 1)[-1]
    short = f"{host}/…/{tail}"
    return shorten(short, limit)


def reference_links(references: tuple[str, ...]) -> str:
    """A topic's references as a Markdown list of named links."""
    return "\n".join(
        f"- [{reference_label(url)}]({url.replace('(', '%28').replace(')', '%29')})"
        for url in references
    )


def local_time(moment: dt.datetime, tz: str, now: dt.datetime) -> str:
    """`Thu 26 Nov, 09:00 Europe/London (in 3 days)`: a moment in a timezone, named, and how far off."""
    local = moment.astimezone(zone(tz))
    return f"{local:%a %d %b, %H:%M} {tz} ({relative(moment, now)})"


def relative(moment: dt.datetime, now: dt.datetime) -> str:
    """`in 5 minutes`, `in 3 hours`, `in 2 days`; `now` when it has come."""
    seconds = (moment - now).total_seconds()
    if seconds < 60:
        return "now"
    size, unit = next(u for u in ((86400, "day"), (3600, "hour"), (60, "minute")) if seconds >= u[0])
    return f"in {plural(round(seconds / size), unit)}"
