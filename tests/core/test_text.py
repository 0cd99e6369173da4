"""core/text.py: the characters that may not be stored are Unicode's control characters and surrogates."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from ledgerlink.core.text import bad_character


@pytest.mark.parametrize("allowed", ["", "\t\n\r"])
def test_every_code_point_is_judged_by_its_unicode_category(allowed: str) -> None:
    """The search (one regular expression) refuses exactly the characters of category Cc and Cs that the field
    does not allow, at their position, whatever comes before and after."""
    refused = []
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        found = bad_character(f"ab{char}\x00", allowed)
        unstorable = unicodedata.category(char) in ("Cc", "Cs") and char not in allowed
        assert found is not None and found[0] == (3 if unstorable else 4), hex(point)
        if unstorable:
            refused.append(point)
    assert len(refused) == 65 + 2048 - len(allowed)  # Cc: U+0000-U+001F, U+007F-U+009F; Cs: U+D800-U+DFFF


def test_the_character_is_named_so_that_it_reads_the_same_in_every_language() -> None:
    assert bad_character("a\x00") == (2, "NUL (U+0000)")
    assert bad_character("\tb") == (1, "TAB (U+0009)")
    assert bad_character("x\x85") == (2, "U+0085")
    assert bad_character("xy\ud800") == (3, "U+D800")
    assert bad_character("line\nbreak", allowed="\t\n\r") is None
    assert bad_character("café ☕ 𝄞") is None
