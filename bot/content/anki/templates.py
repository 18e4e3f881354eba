"""Anki's card templates: the front and back of one card of a note, as HTML.

Templates are Mustache-like: `{{Field}}`, filters such as `{{text:Field}}` or `{{cloze:Text}}`,
sections `{{#Field}}...{{/Field}}` shown when the field is not empty and `{{^Field}}...{{/Field}}`
when it is, and `{{FrontSide}}` on the back. The back leaves out the front (it was shown already).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SECTION = re.compile(r"\{\{([#^])\s*([^}]+?)\s*\}\}(.*?)\{\{/\s*\2\s*\}\}", re.DOTALL)
TAG = re.compile(r"\{\{\s*([^#^/}][^}]*?)\s*\}\}")
# The innermost cloze: its number, its text and an optional hint, none holding another cloze.
CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!\{\{|\}\}).)*?)(?:::((?:(?!\{\{|\}\}).)*?))?\}\}", re.DOTALL)
ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)
HTML_TAG = re.compile(r"<[^>]+>")
SPECIAL = frozenset({"Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"})


class TemplateError(ValueError):
    """A template that cannot be rendered for a note (it names a field the note type lacks)."""


def cloze(text: str, number: int, *, answer: bool) -> str:
    """`text` with cloze `number` hidden as `[...]` (or its hint) on the front, in bold on the back."""

    def one(match: re.Match[str]) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        if answer:
            return f"<b>{match.group(2)}</b>"
        return f"[{match.group(3)}]" if match.group(3) else "[...]"

    while True:
        replaced = CLOZE.sub(one, text)
        if replaced == text:
            return text
        text = replaced


def cloze_numbers(text: str) -> set[int]:
    """The cloze numbers used in `text`."""
    return {int(n) for n in re.findall(r"\{\{c(\d+)::", text)}


def _plain(html: str) -> str:
    return HTML_TAG.sub("", html).replace("&nbsp;", " ").strip()


class _Render:
    """One side of one card: the note's fields, the cloze number (0 for other note types), the side."""

    def __init__(self, fields: Mapping[str, str], number: int, answer: bool) -> None:
        self.fields = fields
        self.number = number
        self.answer = answer

    def value(self, name: str) -> str:
        if name in self.fields:
            return self.fields[name]
        if name in SPECIAL or name == "FrontSide":
            return ""
        raise TemplateError(f"its card template names a field {name!r} that the note type does not have")

    def section(self, match: re.Match[str]) -> str:
        shown = bool(_plain(self.value(match.group(2))))
        return match.group(3) if shown == (match.group(1) == "#") else ""

    def tag(self, match: re.Match[str]) -> str:
        *filters, name = (part.strip() for part in match.group(1).split(":"))
        if any(f.startswith("tts") for f in filters):
            return ""
        text = self.value(name)
        if "cloze" in filters or "cloze-only" in filters:
            text = cloze(text, self.number, answer=self.answer)
        if "type" in filters:
            return text if self.answer else ""
        return _plain(text) if "text" in filters else text

    def render(self, template: str) -> str:
        while True:
            expanded = SECTION.sub(self.section, template)
            if expanded == template:
                break
            template = expanded
        return TAG.sub(self.tag, template)


def card_sides(question: str, answer: str, fields: Mapping[str, str], number: int = 0) -> tuple[str, str]:
    """The front and back of a card as HTML; the back without `{{FrontSide}}` and the answer rule.

    `number` is the cloze number of a cloze note's card (0 for other note types). Raises
    `TemplateError` when a template names a field the note does not have.
    """
    front = _Render(fields, number, answer=False).render(question)
    back_template = ANSWER_RULE.sub("", answer.replace("{{FrontSide}}", ""))
    back = _Render(fields, number, answer=True).render(back_template)
    return front, back
