"""Export text formats never carry terminal or bidi control sequences from issuer text."""

from __future__ import annotations

import pytest

from credwallet.export.linkedin import _one_line
from credwallet.export.resume import md_escape

HOSTILE = ["\x1b[31mred", "\x1b]52;c;cHduZWQ=\x07", "\x9b2J", "a\u202eb", "x\u2066y\u2069", "del\x7f"]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_and_linkedin_text_have_no_controls(text: str) -> None:
    for out in (md_escape(text), _one_line(text)):
        assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in out), repr(out)
        assert not set(out) & {"\u202e", "\u2066", "\u2069"}, repr(out)
