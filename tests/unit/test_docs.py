"""README.md and docs/: the front door stays short and every relative link leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 200

# [label](target) and [label]: target, outside code; the target up to a space, `)` or `#`.
INLINE_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def relative_links(text: str) -> list[str]:
    """The relative link targets of a Markdown text, without their #fragment (code is skipped)."""
    prose = CODE_SPAN.sub("", FENCE.sub("", text))
    targets = INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    relative = [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]
    return [t.split("#", 1)[0] for t in relative if t.split("#", 1)[0]]


def test_relative_links_finds_inline_and_reference_links_but_not_code_or_urls() -> None:
    """The link finder sees the links a reader can click, and nothing in code or on the web."""
    text = (
        "See [ops](docs/operations.md#health) and [the app][app].\n"
        "[app]: ../adapters/slack/manifest.yaml\n"
        "`[not](a-link.md)` and <https://example.com> and [web](https://example.com/x.md)\n"
        "```md\n[also not](inside-a-fence.md)\n```\n"
        "[anchor only](#health)\n"
    )
    assert relative_links(text) == ["docs/operations.md", "../adapters/slack/manifest.yaml"]


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_every_relative_link_points_to_an_existing_file(doc: Path) -> None:
    """Each relative Markdown link in README.md and docs/*.md names a file or folder that exists."""
    broken = [t for t in relative_links(doc.read_text(encoding="utf-8")) if not (doc.parent / t).exists()]
    assert broken == [], f"{doc.relative_to(ROOT)}: broken links {broken}"


def test_every_page_under_docs_is_linked_from_the_readme() -> None:
    """The README's documentation list reaches every page in docs/."""
    linked = {(ROOT / t).resolve() for t in relative_links((ROOT / "README.md").read_text(encoding="utf-8"))}
    unlinked = [p.name for p in DOCS[1:] if p.resolve() not in linked]
    assert unlinked == []


def test_readme_stays_a_front_door() -> None:
    """README.md stays under 200 lines; the details live in docs/."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, f"README.md has {len(lines)} lines"
