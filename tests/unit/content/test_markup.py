"""HTML to Markdown on import, Markdown to HTML on export."""

from __future__ import annotations

import pytest

from bot.content.markup import html_to_markdown, markdown_to_html


@pytest.mark.parametrize(
    "markdown",
    [
        "What does the **GC** collect?",
        "Two\nlines",
        "- gen 0\n- gen 1",
        "```csharp\nvar x = 1;\n```",
        "A `Span<T>` and Span<T> as text",
        "*slanted* and [a link](https://learn.microsoft.com/dotnet/)",
    ],
)
def test_markdown_survives_the_trip_through_html(markdown: str) -> None:
    """A pack's Markdown exported as HTML and imported back is the same Markdown."""
    assert html_to_markdown(markdown_to_html(markdown)).markdown == markdown


def test_angle_brackets_are_text_not_html() -> None:
    """`Span<T>` in a pack is text, so the export escapes it instead of making a tag of it."""
    assert markdown_to_html("Span<T> is a ref struct") == "<p>Span&lt;T&gt; is a ref struct</p>"


def test_media_are_listed_and_left_out() -> None:
    """Sounds, local images, audio and video are listed; nothing of them stays in the Markdown."""
    converted = html_to_markdown('Hi [sound:hi.mp3]<img src="a.png" alt="an apple"><video src="v.mp4"></video>')
    assert converted.markdown == "Hi an apple"
    assert converted.left_out == ["sound 'hi.mp3'", "image 'a.png'", "video 'v.mp4'"]
