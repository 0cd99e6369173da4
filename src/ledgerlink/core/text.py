"""Text that may be stored and sent: no control characters, no unpaired surrogates.

PostgreSQL refuses NUL in any text column and both databases' drivers refuse a lone surrogate (it cannot be
encoded as UTF-8), so such a value answers a 500 wherever it reaches a query, and Exact would refuse it too.
Every way in refuses it first, with the field and the position: the journals' parser (journals/intake.py), the
file import (journals/importer.py), and :class:`RefuseBadCharacters` for query strings and form fields.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import Message, define

BAD_CHARACTER = define(
    "request.bad_character",
    _("{field} contains {character}; remove it and try again"),
)

# Characters are named by their code point (and the control characters people know by their Unicode
# abbreviation), which read the same in every language the message is shown in.
_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LF", 13: "CR"}


# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F, a set the standard keeps fixed) and
# its surrogates (category Cs: U+D800-U+DFFF, unpaired whenever they appear in a Python string). One search in C
# instead of a category lookup per character: every text field of every journal passes here (issue 13).
_UNSTORABLE = "\x00-\x1f\x7f-\x9f\ud800-\udfff"


@functools.cache
def _pattern(allowed: str) -> re.Pattern[str]:
    excluded = "".join(f"\\x{ord(char):02x}" for char in allowed)
    return re.compile(f"(?![{excluded}])[{_UNSTORABLE}]" if allowed else f"[{_UNSTORABLE}]")


def bad_character(text: str, allowed: str = "") -> tuple[int, str] | None:
    """The first character that may not be stored or sent (control characters, unpaired surrogates), or None.

    Returns its 1-based position and a name that shows it safely (``NUL (U+0000)``). ``allowed``: control
    characters a field may hold (a text area's tabs and line breaks).
    """
    found = _pattern(allowed).search(text)
    if found is None:
        return None
    char = found.group()
    if unicodedata.category(char) == "Cc":
        name = _CONTROL_NAMES.get(ord(char))
        return found.start() + 1, f"{name} (U+{ord(char):04X})" if name else f"U+{ord(char):04X}"
    return found.start() + 1, f"U+{ord(char):04X}"


def shown(value: Any, limit: int = 40) -> str:
    """A value as it may be echoed in a message: short, and with unsafe characters written as escapes."""
    text = value if isinstance(value, str) else str(value)
    text = "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cs") else char for char in text[: limit + 1]
    )
    return text if len(text) <= limit else text[:limit] + "…"


def _unstorable(text: str) -> tuple[int, str] | None:
    # Form fields (text areas) may hold tabs and line breaks: a form says what it allows. NUL and unpaired
    # surrogates are never storable, and other control characters have no business in an address or a search.
    return bad_character(text, allowed="\t\n\r")


def _first_bad(pairs: Iterable[tuple[str, list[str]]]) -> tuple[str, tuple[int, str]] | None:
    for key, values in pairs:
        for text in (key, *values):
            found = _unstorable(text)
            if found is not None:
                return shown(key) or "?", found
    return None


class RefuseBadCharacters:
    """Refuse a request whose address, query string or form fields hold a character no database can store.

    Pages answer 400 with the reason; the REST API (``/api/``) answers its documented problem with 422.
    JSON bodies are read by the API itself (journals/intake.py), which names the field and the line.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found: tuple[str, tuple[int, str]] | None = None
        path_problem = _unstorable(request.path)
        if path_problem is not None:
            found = ("path", path_problem)
        if found is None:
            found = _first_bad(request.GET.lists())
        if found is None and request.method == "POST" and _is_form(request):
            found = _first_bad(request.POST.lists())
        if found is None:
            return self.get_response(request)
        field, (position, character) = found
        message = Message.of(BAD_CHARACTER, field=field, character=character, position=position)
        if request.path.startswith("/api/"):
            problem = {"field": field, "line": None, "message": message.text(), "code": message.code}
            from ledgerlink.core.problems import problem_response  # here: problems imports this module

            payload = {"detail": message.text(), "code": message.code, "problems": [problem]}
            return problem_response(request, 422, payload)
        return HttpResponse(message.text(), status=400, content_type="text/plain; charset=utf-8")


def _is_form(request: HttpRequest) -> bool:
    content_type = str(request.META.get("CONTENT_TYPE", ""))
    return content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
