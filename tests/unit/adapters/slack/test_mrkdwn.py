"""Markdown to Slack mrkdwn."""

from __future__ import annotations

from adapters.slack.mrkdwn import to_mrkdwn
from bot.messages import channel_mention


def test_bold_becomes_single_asterisks() -> None:
    """`**bold**` and `__bold__` become `*bold*`."""
    assert to_mrkdwn("a **big** and __bold__ word") == "a *big* and *bold* word"


def test_italics_become_underscores() -> None:
    """`*italic*` becomes `_italic_`, and `_italic_` stays."""
    assert to_mrkdwn("an *italic* and _also_ word") == "an _italic_ and _also_ word"


def test_code_spans_are_left_alone_but_escaped() -> None:
    """Markdown inside a code span is not converted; `<`, `>` and `&` are escaped."""
    assert to_mrkdwn("use `**kwargs` and `List<T> && x`") == "use `**kwargs` and `List&lt;T&gt; &amp;&amp; x`"


def test_fenced_code_drops_the_language_and_keeps_the_code() -> None:
    """```csharp fences become plain ``` fences; the code inside is untouched apart from escaping."""
    text = "Intro\n\n```csharp\nvar x = a ** b; // <T>\n```\nafter"
    assert to_mrkdwn(text) == "Intro\n\n```\nvar x = a ** b; // &lt;T&gt;\n```\nafter"


def test_lists_become_bullets_and_numbers_stay() -> None:
    """`-`/`*` items become bullets (nested ones hollow); numbered items keep their numbers."""
    text = "- one\n* two\n  - nested\n1. first\n2) second"
    assert to_mrkdwn(text) == "• one\n• two\n    ◦ nested\n1. first\n2. second"


def test_headings_become_bold_lines() -> None:
    """`## Heading` becomes a bold line (mrkdwn has no headings)."""
    assert to_mrkdwn("## The **GC** heaps") == "*The GC heaps*"


def test_links_become_slack_links() -> None:
    """`[text](url)` becomes `<url|text>`."""
    assert to_mrkdwn("see [the docs](https://learn.microsoft.com/a?b=1&c=2)") == \
        "see <https://learn.microsoft.com/a?b=1&c=2|the docs>"


def test_bold_around_a_code_span() -> None:
    """`**`code`**` becomes bold code, with no `**` left."""
    assert to_mrkdwn("**`ConfigureAwait(false)`** tells") == "*`ConfigureAwait(false)`* tells"


def test_channel_and_user_mentions_stay_live() -> None:
    """`<#C123>` and `<@U1|ada>` are Slack mentions, not text to escape."""
    text = "Drops go to <#C0123ABC> for <@U1|ada> & co"
    assert to_mrkdwn(text) == "Drops go to <#C0123ABC> for <@U1|ada> &amp; co"


def test_a_channel_mention_stays_a_live_slack_link() -> None:
    """The core's channel mention is Slack's own `<#C123|name>` and survives the escaping."""
    assert to_mrkdwn(f"Drops in {channel_mention('C0GENERAL', 'general')} & more") == (
        "Drops in <#C0GENERAL|general> &amp; more"
    )
