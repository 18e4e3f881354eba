"""Hostile content files: nested aliases and huge files are content errors naming the file, found at once."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content import loader
from tests.unit.content.test_loader import only_error, topic, write_pack

BILLION_LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    + ["id: t1"]
)


def test_nested_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    """A "billion laughs" file is reported as too large, naming the file, without expanding it."""
    message = only_error(write_pack(tmp_path, {"t1": BILLION_LAUGHS}))
    assert "course/topics/t1.yaml" in message
    assert "aliases expand to more than" in message


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A file larger than a pack could need is reported with its name and the limit."""
    padding = "# " + "x" * 1000 + "\n"
    message = only_error(write_pack(tmp_path, {"t1": padding * (loader.MAX_FILE_BYTES // len(padding) + 1)}))
    assert "course/topics/t1.yaml" in message
    assert "larger than 1,000,000 bytes" in message


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    """Ordinary anchors and aliases (one value used twice) are fine."""
    text = yaml.safe_dump({**topic("t1"), "title": "Shared"}, sort_keys=False)
    text = text.replace("title: Shared", "title: &shared Shared").replace("summary: ", "summary: *shared\nx: ", 1)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("x: "))
    result = loader.load_course(write_pack(tmp_path, {"t1": text}))
    assert result.course is not None, [str(e) for e in result.errors]
    assert result.course.topics[0].summary == "Shared"
