"""Small text helpers shared by the use cases' messages."""

from __future__ import annotations

from bot.content.models import Course, Topic


def topic_footer(course: Course, topic: Topic) -> str:
    """ "Topic 6/30 · Advanced Asynchronous Programming"."""
    section = course.section_by_id[topic.section_id]
    return f"Topic {course.topic_number(topic.id)}/{len(course.topics)} · {section.title}"


def difficulty_label(level: int) -> str:
    """ "●●○" style difficulty."""
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
