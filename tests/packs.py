"""Small course packs the tests write: cards only (as an Anki or CSV import makes), or topics of another pack."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content.catalogue import Catalogue

CARDS: dict[str, list[tuple[str, str, str]]] = {
    "gc": [("gc.c1", "What does the **GC** collect?", "Objects nothing refers to"),
           ("gc.c2", "Name the generations", "- gen 0\n- gen 1\n- gen 2")],
    "linq": [("linq.c1", "When does `Where` run?", "When the query is enumerated\nnot before")],
}


def card_pack(root: Path, cards: dict[str, list[tuple[str, str, str]]] | None = None, *, name: str = "cards",
              course_id: str | None = None) -> Path:
    """Write a pack (`requires: [cards]`) of topics of (id, front, back) cards under `root`; its folder.

    The folder is `name`, and so is the course id unless `course_id` says otherwise.
    """
    topics = cards or CARDS
    pack = root / name
    (pack / "topics").mkdir(parents=True)
    course = {"id": course_id or name, "title": name.title(), "description": "Topics of cards.", "requires": ["cards"],
              "sections": [{"id": "all", "title": "All", "topics": list(topics)}]}
    (pack / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False))
    for tid, items in topics.items():
        data = {"id": tid, "title": tid.upper(), "summary": f"{len(items)} cards about {tid}.",
                "cards": [{"id": i, "front": f, "back": b} for i, f, b in items]}
        (pack / "topics" / f"{tid}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return pack


class Served:
    """What the reloader put in service, as the running bot would hold it, counting the reloads applied."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.applied = 0

    def apply(self, catalogue: Catalogue) -> None:
        """Serve `catalogue`."""
        self.catalogue = catalogue
        self.applied += 1


def topics_pack(root: Path, source: Path, topic_ids: list[str], *, name: str, title: str) -> Path:
    """Write a full pack under `root` of some of the topics of the pack at `source`, copied; its folder.

    Its id is `name`; its one section holds the topics in the order given.
    """
    pack = root / name
    (pack / "topics").mkdir(parents=True)
    course = {"id": name, "title": title, "description": f"{len(topic_ids)} topics, studied apart.",
              "sections": [{"id": "all", "title": "All", "topics": topic_ids}]}
    (pack / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False))
    for tid in topic_ids:
        (pack / "topics" / f"{tid}.yaml").write_bytes((source / "topics" / f"{tid}.yaml").read_bytes())
    return pack
