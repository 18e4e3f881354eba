"""HTML and Markdown: Anki's HTML fields to a pack's Markdown, and back for an export to Anki."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdownify import MarkdownConverter

SOUND = re.compile(r"\[sound:([^\]]*)\]")
REMOTE = re.compile(r"^https://\S+$")
MEDIA_TAGS = ("audio", "video", "source", "object", "embed", "iframe")


@dataclass
class Converted:
    """Markdown made from HTML, and the media it referred to that a pack cannot carry."""

    markdown: str
    left_out: list[str] = field(default_factory=list)


class _Converter(MarkdownConverter):
    """markdownify's converter, keeping remote images and noting every media file it drops."""

    def __init__(self, left_out: list[str]) -> None:
        super().__init__(heading_style="ATX", bullets="-", escape_underscores=False,
                         code_language_callback=_code_language)
        self.left_out = left_out

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        """A remote image stays a Markdown image; a file of the deck is noted and left out."""
        src = str(el.get("src") or "")
        if REMOTE.match(src):
            return f"![{el.get('alt') or ''}]({src})"
        self.left_out.append(f"image {src!r}" if src else "an image without a source")
        return str(el.get("alt") or "")

    def convert_media(self, el: Any, text: str, parent_tags: set[str]) -> str:
        """Audio, video and embedded objects cannot be shown in a chat message: noted and left out."""
        src = str(el.get("src") or el.get("data") or "")
        self.left_out.append(f"{el.name} {src!r}" if src else el.name)
        return text

    convert_audio = convert_video = convert_source = convert_object = convert_embed = convert_iframe = convert_media


def _code_language(el: Any) -> str:
    """The language of a `<pre><code class="language-x">` block, for the fence."""
    code = el.find("code")
    for name in (code.get("class") or []) if code is not None else []:
        if str(name).startswith("language-"):
            return str(name).removeprefix("language-")
    return ""


def html_to_markdown(html: str) -> Converted:
    """Markdown for an HTML field; `[sound:...]` tags and local media are listed in `left_out`."""
    left_out = [f"sound {name!r}" for name in SOUND.findall(html)]
    text = _Converter(left_out).convert(SOUND.sub("", html)).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.splitlines()]
    return Converted(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), left_out)


# Raw HTML is off: `Span<T>` in a pack is text, as the chat platforms show it. A line break stays one.
_RENDERER = MarkdownIt("commonmark", {"html": False, "breaks": True})


def markdown_to_html(text: str) -> str:
    """HTML for a pack's Markdown (CommonMark), as Anki shows it."""
    return str(_RENDERER.render(text)).strip()
