"""Markdown (as the course is written) to Slack mrkdwn."""

from __future__ import annotations

import re

from bot.markdown import CODE_SPAN, FENCE, LINK

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
ITALIC = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
MENTION = re.compile(r"&lt;([#@][A-Z0-9]+(?:\|[^&<>]*)?)&gt;")
BOLD_MARK = "\x00"
CODE_MARK = "\x01"


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline_text(text: str) -> str:
    text = MENTION.sub(r"<\1>", escape(text))  # channel and user mentions stay live
    text = LINK.sub(lambda m: f"<{m.group(2).replace('&amp;', '&')}|{m.group(1)}>", text)
    text = BOLD.sub(lambda m: f"{BOLD_MARK}{m.group(1) or m.group(2)}{BOLD_MARK}", text)
    text = ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = STRIKE.sub(lambda m: f"~{m.group(1)}~", text)
    return text.replace(BOLD_MARK, "*")


def inline(text: str) -> str:
    """Convert one line's inline Markdown (bold, italics, links, code spans) to mrkdwn."""
    spans: list[str] = []

    def stash(match: re.Match[str]) -> str:
        code = match.group(2).strip() if len(match.group(1)) > 1 else match.group(2)
        spans.append(f"`{escape(code)}`")
        return f"{CODE_MARK}{len(spans) - 1}{CODE_MARK}"

    converted = _inline_text(CODE_SPAN.sub(stash, text))
    return re.sub(f"{CODE_MARK}(\\d+){CODE_MARK}", lambda m: spans[int(m.group(1))], converted)


def to_mrkdwn(markdown: str) -> str:
    """Convert a Markdown document to Slack mrkdwn: no `**`, headings, bullets or raw `<` left."""
    lines: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            lines.append("```")
            continue
        if in_fence:
            lines.append(escape(line))
            continue
        lines.append(_line(line))
    if in_fence:
        lines.append("```")
    return "\n".join(lines).strip("\n")


def _line(line: str) -> str:
    if RULE.match(line):
        return "──────────"
    if m := HEADING.match(line):
        return f"*{inline(m.group(1)).replace('*', '')}*"
    if m := BULLET.match(line):
        depth = len(m.group(1).expandtabs(4)) // 2
        return f"{'    ' * depth}{'◦' if depth else '•'} {inline(m.group(2))}"
    if m := NUMBERED.match(line):
        depth = len(m.group(1).expandtabs(4)) // 3
        return f"{'    ' * depth}{m.group(2)}. {inline(m.group(3))}"
    if m := QUOTE.match(line):
        return f">{inline(m.group(1))}"
    return inline(line)
