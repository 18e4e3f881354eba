"""Slack's Block Kit limits, enforced in this one place for every renderer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
ACTION_ID = 255
BUTTON_VALUE = 2000
BUTTONS_PER_ACTIONS = 25
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 2000
FALLBACK_TEXT = 3000
ALT_TEXT = 1000  # a file's alt_txt
TRIMMED_NOTE = "_… shortened to fit in Slack._"


class BlockLimitError(ValueError):
    """A block that breaks one of Slack's limits (a renderer bug, caught before Slack sees it)."""


def fit(blocks: Sequence[Block], max_blocks: int) -> list[Block]:
    """At most `max_blocks` blocks: body sections are dropped from the end, buttons and footer kept."""
    blocks = list(blocks)
    if len(blocks) <= max_blocks:
        return blocks
    tail: list[Block] = []
    while blocks and isinstance(blocks[-1], ActionsBlock | ContextBlock):
        tail.insert(0, blocks.pop())
    keep = max_blocks - len(tail) - 1
    note = SectionBlock(text=MarkdownTextObject(text=TRIMMED_NOTE))
    return [*blocks[:keep], note, *tail]


def check(blocks: Sequence[Block], max_blocks: int) -> list[dict[str, Any]]:
    """The blocks as JSON, after checking every Slack limit (raises `BlockLimitError`)."""
    if len(blocks) > max_blocks:
        raise BlockLimitError(f"{len(blocks)} blocks, more than {max_blocks}")
    for block in blocks:
        _check_block(block)
    try:
        return [block.to_dict() for block in blocks]  # slack_sdk validates its own limits here
    except Exception as exc:
        raise BlockLimitError(str(exc)) from exc


def _check_block(block: Block) -> None:
    if isinstance(block, SectionBlock):
        _check_section(block)
    elif isinstance(block, HeaderBlock):
        if block.text is None or len(block.text.text) > HEADER_TEXT:
            raise BlockLimitError("header text missing or too long")
    elif isinstance(block, ActionsBlock):
        _check_actions(block)
    elif isinstance(block, ContextBlock):
        _check_context(block)


def _check_section(block: SectionBlock) -> None:
    if block.text is not None and len(block.text.text) > SECTION_TEXT:
        raise BlockLimitError(f"section text of {len(block.text.text)} characters")
    fields = block.fields or []
    if len(fields) > FIELDS_PER_SECTION or any(len(f.text) > FIELD_TEXT for f in fields):
        raise BlockLimitError("section fields over Slack's limits")


def _check_actions(block: ActionsBlock) -> None:
    if len(block.elements) > BUTTONS_PER_ACTIONS:
        raise BlockLimitError("too many buttons in one actions block")
    for button in block.elements:
        if isinstance(button, ButtonElement):
            label = button.text.text if button.text is not None else ""
            if len(label) > BUTTON_TEXT or len(button.action_id or "") > ACTION_ID \
                    or len(button.value or "") > BUTTON_VALUE:
                raise BlockLimitError(f"button {label!r} over Slack's limits")


def _check_context(block: ContextBlock) -> None:
    if len(block.elements) > CONTEXT_ELEMENTS:
        raise BlockLimitError("too many context elements")
    for element in block.elements:
        if len(getattr(element, "text", "") or "") > CONTEXT_TEXT:
            raise BlockLimitError("context text too long")
