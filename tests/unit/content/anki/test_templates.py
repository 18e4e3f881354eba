"""Rendering an Anki note's card from its templates."""

from __future__ import annotations

import pytest

from bot.content.anki.templates import TemplateError, card_sides, cloze


def test_optional_section_shows_only_with_its_field() -> None:
    """`{{#F}}...{{/F}}` shows when F has text, `{{^F}}...{{/F}}` when it has none."""
    question = "{{Front}}{{#Hint}} (hint: {{Hint}}){{/Hint}}{{^Hint}} (no hint){{/Hint}}"
    assert card_sides(question, "{{Back}}", {"Front": "Q", "Back": "A", "Hint": "h"})[0] == "Q (hint: h)"
    assert card_sides(question, "{{Back}}", {"Front": "Q", "Back": "A", "Hint": "<br>"})[0] == "Q (no hint)"


def test_type_answer_box_is_the_answer_on_the_back_only() -> None:
    """`{{type:Back}}` shows nothing on the front and the answer on the back."""
    front, back = card_sides("{{Front}}{{type:Back}}", "{{FrontSide}}<hr id=answer>{{type:Back}}",
                             {"Front": "Q", "Back": "A"})
    assert (front, back) == ("Q", "A")


def test_text_filter_strips_html_and_tts_is_dropped() -> None:
    """`{{text:F}}` gives F without tags; `{{tts ...:F}}` gives nothing."""
    front, _ = card_sides("{{text:Front}}{{tts en_US:Front}}", "{{Back}}", {"Front": "<b>Q</b>", "Back": "A"})
    assert front == "Q"


def test_nested_clozes_hide_only_the_card_number() -> None:
    """In `{{c1::a {{c2::b}}}}`, card 2 hides b and shows a around it."""
    assert cloze("{{c1::a {{c2::b}}}} c", 2, answer=False) == "a [...] c"
    assert cloze("{{c1::a {{c2::b}}}} c", 1, answer=False) == "[...] c"
    assert cloze("{{c1::a {{c2::b}}}} c", 1, answer=True) == "<b>a b</b> c"


def test_unknown_field_is_an_error() -> None:
    """A template naming a field the note type lacks cannot be rendered."""
    with pytest.raises(TemplateError, match="'Missing'"):
        card_sides("{{Missing}}", "{{Back}}", {"Front": "Q", "Back": "A"})
