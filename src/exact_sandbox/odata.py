"""OData v2 query options as Exact accepts them: a small tokenizer, a recursive-descent `$filter`
parser, an evaluator over typed rows, `$orderby`, `$top`/`$skip`, and `$skiptoken` paging.

Grammar of `$filter` (lowest precedence first):

    expr     := and_expr ("or" and_expr)*
    and_expr := not_expr ("and" not_expr)*
    not_expr := "not" not_expr | cmp_expr
    cmp_expr := primary (("eq"|"ne"|"gt"|"ge"|"lt"|"le") primary)?
    primary  := "(" expr ")" | literal | name "(" [expr ("," expr)*] ")" | property

Literals: 'text' (quote doubled inside), guid'…', datetime'…' (no zone = Dutch local time),
123, 123L (Int64), 1.5, 1.5M, true, false, null. Functions: substringof, startswith, endswith, trim,
tolower, toupper, length. Comparing values of different EDM types is an error, as on Exact.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, cast

from .formats import AMSTERDAM, Int64

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = {"substringof": 2, "startswith": 2, "endswith": 2, "trim": 1, "tolower": 1, "toupper": 1, "length": 1}


class ODataError(ValueError):
    """A query the endpoint refuses with 400 and this message."""


# -- tokens ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    kind: str  # "lit", "name", "op", "(", ")", ",", "end"
    text: str
    value: object = None
    pos: int = 0


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<typed>(?:guid|datetime|datetimeoffset|time)'(?P<typed_body>[^']*)')
    | (?P<str>'(?:[^']|'')*')
    | (?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[LlMmDdFf]?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<punct>[(),])
    )""",
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ODataError(f"Syntax error at position {pos} in '{text}'.")
        start = match.start(match.lastgroup or 0)
        if match.group("typed"):
            kind = match.group("typed").split("'", 1)[0]
            tokens.append(Token("lit", match.group("typed"), _typed_literal(kind, match.group("typed_body")), start))
        elif match.group("str"):
            tokens.append(Token("lit", match.group("str"), match.group("str")[1:-1].replace("''", "'"), start))
        elif match.group("num"):
            tokens.append(Token("lit", match.group("num"), _number(match.group("num")), start))
        elif match.group("name"):
            word = match.group("name")
            lower = word.lower()
            if lower in ("true", "false"):
                tokens.append(Token("lit", word, lower == "true", start))
            elif lower == "null":
                tokens.append(Token("lit", word, None, start))
            elif word in COMPARISONS or word in ("and", "or", "not"):
                tokens.append(Token("op", word, None, start))
            else:
                tokens.append(Token("name", word, None, start))
        else:
            tokens.append(Token(match.group("punct"), match.group("punct"), None, start))
        pos = match.end()
    tokens.append(Token("end", "", None, len(text)))
    return tokens


def _typed_literal(kind: str, body: str) -> object:
    if kind == "guid":
        try:
            return uuid.UUID(body)
        except ValueError:
            raise ODataError(f"Unrecognized 'Edm.Guid' literal 'guid'{body}''.") from None
    try:
        value = datetime.fromisoformat(body.replace("Z", "+00:00"))
    except ValueError:
        raise ODataError(f"Unrecognized 'Edm.DateTime' literal '{kind}'{body}''.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=AMSTERDAM)
    return value


def _number(text: str) -> object:
    suffix = text[-1] if text[-1] in "LlMmDdFf" else ""
    body = text[:-1] if suffix else text
    if suffix in ("L", "l"):
        if not re.fullmatch(r"-?\d+", body):
            raise ODataError(f"Unrecognized 'Edm.Int64' literal '{text}'.")
        return Int64(int(body))
    if suffix or "." in body or "e" in body.lower():
        try:
            return Decimal(body)
        except InvalidOperation:
            raise ODataError(f"Unrecognized number literal '{text}'.") from None
    return int(body)


def parse_literal(text: str) -> object:
    tokens = tokenize(text)
    if len(tokens) != 2 or tokens[0].kind != "lit":
        raise ODataError(f"'{text}' is not a literal.")
    return tokens[0].value


def format_literal(value: object) -> str:
    """The inverse of parse_literal, used to write `$skiptoken`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, uuid.UUID):
        return f"guid'{value}'"
    if isinstance(value, datetime):
        local = value.astimezone(AMSTERDAM).replace(tzinfo=None)
        return "datetime'" + local.isoformat(timespec="milliseconds") + "'"
    if isinstance(value, Int64):
        return f"{int(value)}L"
    if isinstance(value, int | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# -- syntax tree -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: object


@dataclass(frozen=True)
class Prop:
    name: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[object, ...]


@dataclass(frozen=True)
class Not:
    operand: object


@dataclass(frozen=True)
class BoolOp:
    op: str  # and / or
    left: object
    right: object


@dataclass(frozen=True)
class Compare:
    op: str
    left: object
    right: object


class _Parser:
    def __init__(self, text: str, fields: Iterable[str] | None) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.fields = set(fields) if fields is not None else None

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, kind: str) -> Token:
        token = self.take()
        if token.kind != kind:
            found = token.text or "end of expression"
            raise ODataError(f"Syntax error: '{kind}' expected at position {token.pos}, found '{found}'.")
        return token

    def parse(self) -> object:
        if self.peek().kind == "end":
            raise ODataError("Expression expected in $filter.")
        node = self.or_expr()
        if self.peek().kind != "end":
            token = self.peek()
            raise ODataError(f"Syntax error at position {token.pos}: unexpected '{token.text}'.")
        return node

    def or_expr(self) -> object:
        node = self.and_expr()
        while self.peek().kind == "op" and self.peek().text == "or":
            self.take()
            node = BoolOp("or", node, self.and_expr())
        return node

    def and_expr(self) -> object:
        node = self.not_expr()
        while self.peek().kind == "op" and self.peek().text == "and":
            self.take()
            node = BoolOp("and", node, self.not_expr())
        return node

    def not_expr(self) -> object:
        if self.peek().kind == "op" and self.peek().text == "not":
            self.take()
            return Not(self.not_expr())
        return self.cmp_expr()

    def cmp_expr(self) -> object:
        left = self.primary()
        token = self.peek()
        if token.kind == "op" and token.text in COMPARISONS:
            self.take()
            return Compare(token.text, left, self.primary())
        return left

    def primary(self) -> object:
        token = self.take()
        if token.kind == "(":
            node = self.or_expr()
            self.expect(")")
            return node
        if token.kind == "lit":
            return Literal(token.value)
        if token.kind == "name":
            if self.peek().kind == "(":
                return self.call(token)
            if self.fields is not None and token.text not in self.fields:
                raise ODataError(f"No property '{token.text}' exists in type.")
            return Prop(token.text)
        found = token.text or "end of expression"
        raise ODataError(f"Syntax error at position {token.pos}: unexpected '{found}'.")

    def call(self, name: Token) -> object:
        function = name.text
        if function not in FUNCTIONS:
            raise ODataError(f"Unknown function '{function}' at position {name.pos}.")
        self.expect("(")
        args = []
        if self.peek().kind != ")":
            args.append(self.or_expr())
            while self.peek().kind == ",":
                self.take()
                args.append(self.or_expr())
        self.expect(")")
        if len(args) != FUNCTIONS[function]:
            raise ODataError(f"Function '{function}' takes {FUNCTIONS[function]} argument(s).")
        return Call(function, tuple(args))


def parse_filter(text: str, fields: Iterable[str] | None = None) -> object:
    """Parse a `$filter` expression; with `fields`, unknown property names are refused."""
    return _Parser(text, fields).parse()


# -- evaluation --------------------------------------------------------------------------------
def edm_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, uuid.UUID):
        return "Edm.Guid"
    if isinstance(value, datetime):
        return "Edm.DateTime"
    if isinstance(value, int | Decimal | float):
        return "number"
    if isinstance(value, str):
        return "Edm.String"
    return type(value).__name__


def _compare(op: str, left: object, right: object) -> bool:
    if left is None or right is None:
        if op == "eq":
            return left is None and right is None
        if op == "ne":
            return not (left is None and right is None)
        return False
    lt, rt = edm_type(left), edm_type(right)
    if lt != rt:
        names = {"number": "Edm.Decimal"}
        raise ODataError(
            f"Operator '{op}' incompatible with operand types '{names.get(lt, lt)}' and '{names.get(rt, rt)}'."
        )
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    if lt in ("Edm.Guid", "Edm.Boolean") and op not in ("eq", "ne"):
        raise ODataError(f"Operator '{op}' is not defined for '{lt}'.")
    order = _cmp_values(left, right)  # same EDM type, not null: compares like Exact
    return {"gt": order > 0, "ge": order >= 0, "lt": order < 0, "le": order <= 0}[op]


def _string_arg(function: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ODataError(f"Function '{function}' needs Edm.String arguments, not '{edm_type(value)}'.")
    return value


def _call(node: Call, row: dict[str, object]) -> object:
    args = [_string_arg(node.name, evaluate(arg, row)) for arg in node.args]
    if node.name in ("substringof", "startswith", "endswith"):
        first, second = args
        if first is None or second is None:
            return False
        if node.name == "substringof":  # OData v2 order: substringof(needle, haystack)
            return first in second
        if node.name == "startswith":
            return first.startswith(second)
        return first.endswith(second)
    (value,) = args
    if value is None:
        return None
    if node.name == "trim":
        return value.strip()
    if node.name == "tolower":
        return value.lower()
    if node.name == "toupper":
        return value.upper()
    return len(value)


def evaluate(node: object, row: dict[str, object]) -> object:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Prop):
        if node.name not in row:
            raise ODataError(f"No property '{node.name}' exists in type.")
        return row[node.name]
    if isinstance(node, Compare):
        return _compare(node.op, evaluate(node.left, row), evaluate(node.right, row))
    if isinstance(node, BoolOp):
        left = _truth(evaluate(node.left, row))
        if node.op == "and":
            return left and _truth(evaluate(node.right, row))
        return left or _truth(evaluate(node.right, row))
    if isinstance(node, Not):
        return not _truth(evaluate(node.operand, row))
    if isinstance(node, Call):
        return _call(node, row)
    raise ODataError("Unsupported expression.")


def _truth(value: object) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ODataError(f"A boolean expression was expected, not '{edm_type(value)}'.")
    return value


def matches(node: object, row: dict[str, object]) -> bool:
    return _truth(evaluate(node, row))


# -- query options -----------------------------------------------------------------------------
KNOWN_OPTIONS = ("$select", "$filter", "$orderby", "$top", "$skip", "$skiptoken", "$expand", "$inlinecount", "$format")


@dataclass
class Query:
    select: list[str] | None = None
    filter: object | None = None
    orderby: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    top: int | None = None
    skip: int = 0
    skiptoken: list[object] | None = None
    expand: list[str] = field(default_factory=list)
    inlinecount: bool = False


def _non_negative(name: str, text: str) -> int:
    if not re.fullmatch(r"\d+", text.strip()):
        raise ODataError(f"Invalid value '{text}' for {name}: a non-negative integer is expected.")
    return int(text)


def parse_query(args: dict[str, str], fields: Sequence[str], navs: Iterable[str] = ()) -> Query:
    """Read the `$…` options of a request; `fields` are the entity's properties."""
    for name in args:
        if name.startswith("$") and name not in KNOWN_OPTIONS:
            raise ODataError(f"The query parameter '{name}' is not supported.")
    field_set, nav_set = set(fields), set(navs)
    query = Query()
    if "$format" in args and args["$format"].strip().lower() != "json":
        raise ODataError("Only $format=json is emulated by the sandbox.")
    if "$select" in args:
        names = [part.strip() for part in args["$select"].split(",") if part.strip()]
        if not names:
            raise ODataError("$select is empty.")
        for name in names:
            if name != "*" and name not in field_set and name not in nav_set:
                raise ODataError(f"No property '{name}' exists in type.")
        query.select = None if "*" in names else names
    if "$filter" in args:
        query.filter = parse_filter(args["$filter"], field_set)
    if "$orderby" in args:
        for part in args["$orderby"].split(","):
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
                raise ODataError(f"Invalid $orderby clause '{part.strip()}'.")
            if words[0] not in field_set:
                raise ODataError(f"No property '{words[0]}' exists in type.")
            query.orderby.append((words[0], len(words) == 2 and words[1] == "desc"))
    if "$top" in args:
        query.top = _non_negative("$top", args["$top"])
    if "$skip" in args:
        query.skip = _non_negative("$skip", args["$skip"])
    if "$skiptoken" in args:
        parts = _split_literals(args["$skiptoken"])
        query.skiptoken = [parse_literal(part) for part in parts]
    if "$expand" in args:
        for name in (p.strip() for p in args["$expand"].split(",")):
            if name not in nav_set:
                raise ODataError(f"No navigation property '{name}' exists in type.")
            query.expand.append(name)
    if "$inlinecount" in args:
        if args["$inlinecount"] not in ("allpages", "none"):
            raise ODataError("$inlinecount must be 'allpages' or 'none'.")
        query.inlinecount = args["$inlinecount"] == "allpages"
    return query


def _split_literals(text: str) -> list[str]:
    """Split `datetime'…',guid'…'` on the commas between literals, not inside quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == "'":
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...
    def __gt__(self, other: Any, /) -> bool: ...


def _cmp_values(a: object, b: object) -> int:
    if a is None or b is None:
        return (a is not None) - (b is not None)  # null sorts first
    if edm_type(a) != edm_type(b):
        a, b = str(a), str(b)
    left, right = cast("_Ordered", a), cast("_Ordered", b)  # values of one EDM type order among themselves
    return int(left > right) - int(left < right)


def _key_sort(value: object) -> object:
    return value.int if isinstance(value, uuid.UUID) else value


@dataclass
class Page:
    rows: list[dict[str, object]]
    total: int
    next_token: list[object] | None  # skiptoken values for the next page, or None
    next_top: int | None


def run_query(rows: list[dict[str, object]], query: Query, key: str, page_size: int) -> Page:
    """Filter, order, skip and page. Paging continues after the last row's order values and key."""
    if query.filter is not None:
        rows = [row for row in rows if matches(query.filter, row)]
    order = [*query.orderby, (key, False)]

    def sort_values(row: dict[str, object]) -> list[object]:
        return [row.get(name) for name, _ in order]

    def compare(a: list[object], b: list[object]) -> int:
        for (_, desc), x, y in zip(order, a, b, strict=False):
            result = _cmp_values(x, y)
            if result:
                return -result if desc else result
        return 0

    if query.orderby:

        def by_order(r1: dict[str, object], r2: dict[str, object]) -> int:
            return compare(sort_values(r1), sort_values(r2))

        rows = sorted(rows, key=functools.cmp_to_key(by_order))
    else:  # the usual case: key order only, keys are never null
        rows = sorted(rows, key=lambda row: cast("_Ordered", _key_sort(row[key])))
    total = len(rows)
    if query.skiptoken is not None:
        if len(query.skiptoken) != len(order):
            raise ODataError("The $skiptoken does not fit this query.")
        token = query.skiptoken
        rows = [row for row in rows if compare(sort_values(row), token) > 0]
    rows = rows[query.skip :]
    limit = page_size if query.top is None else min(page_size, query.top)
    page = rows[:limit]
    remaining_top = None if query.top is None else query.top - len(page)
    full = len(page) == page_size and (remaining_top is None or remaining_top > 0)
    next_token = sort_values(page[-1]) if full and page else None
    return Page(page, total, next_token, remaining_top if next_token is not None else None)
