"""Splitting Markdown (or Slack's mrkdwn) into chunks that fit a platform's text limit."""

from __future__ import annotations

import re

FENCE = re.compile(r"^\s*(```|~~~)")


def split_markdown(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` characters.

    Cuts fall between paragraphs where possible, then between lines, then between words, and
    only then inside a word. A code block that has to be cut is closed and reopened, so every
    chunk renders on its own.
    """
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for block in _blocks(text):
        for piece in _fit(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _blocks(text: str) -> list[str]:
    """Paragraphs and whole fenced code blocks."""
    blocks: list[str] = []
    lines: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None and match:
            if lines:
                blocks.append("\n".join(lines))
            lines, fence = [line], match.group(1)
            continue
        if fence is not None:
            lines.append(line)
            if match and match.group(1) == fence and len(lines) > 1:
                blocks.append("\n".join(lines))
                lines, fence = [], None
            continue
        if not line.strip():
            if lines:
                blocks.append("\n".join(lines))
            lines = []
            continue
        lines.append(line)
    if lines:
        blocks.append("\n".join(lines))
    return blocks


def _fit(block: str, limit: int) -> list[str]:
    """One block as pieces of at most `limit` characters (code blocks stay valid)."""
    if len(block) <= limit:
        return [block]
    lines = block.split("\n")
    fence = FENCE.match(lines[0])
    opener = lines[0] if fence else ""
    closer = fence.group(1) if fence else ""
    closed = len(lines) > 1 and FENCE.match(lines[-1]) is not None
    body = (lines[1:-1] if closed else lines[1:]) if opener else lines
    room = limit - (len(opener) + len(closer) + 2 if opener else 0)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in body:
        for segment in _wrap(line, room):
            extra = len(segment) + (1 if current else 0)
            if current and size + extra > room:
                pieces.append("\n".join(current))
                current, size = [], 0
                extra = len(segment)
            current.append(segment)
            size += extra
    if current:
        pieces.append("\n".join(current))
    return [f"{opener}\n{p}\n{closer}" for p in pieces] if opener else pieces


def _wrap(line: str, width: int) -> list[str]:
    """A line cut into segments of at most `width` characters, at spaces where possible."""
    if len(line) <= width:
        return [line]
    parts: list[str] = []
    while len(line) > width:
        cut = line.rfind(" ", 0, width)
        cut = cut if cut > width // 2 else width
        parts.append(line[:cut])
        line = line[cut:].lstrip(" ")
    parts.append(line)
    return parts


CODE_SPAN = re.compile(r"(`+)(.+?)\1")
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")


def plain_text(text: str) -> str:
    """Inline Markdown as the plain text a reader should see where Markdown is not rendered.

    Code spans lose their backticks, bold its asterisks, and links become `text (url)`.
    """
    text = CODE_SPAN.sub(lambda m: m.group(2).strip(), text)
    text = STRONG.sub(lambda m: m.group(1), text)
    return LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
