"""Import of RetailVista's Exact Online cash-journal file (retail-bookkeeping.md §1.1 C).

The file: comma-separated, a title row, decimal point, dates ``yyyy-mm-dd``; columns line number, journal
entry, journal, year, period, date, amount, VAT code, VAT amount, relation, GL number, description, product.
Every journal entry number becomes one cash journal; a positive amount is a debit, a negative one a credit.

Two promises:

* **All or nothing.** The whole file is read and checked before anything is written; a file with any bad
  line imports nothing, and every bad line is reported with its line number in the file and the fix.
* **Twice changes nothing.** A journal's reference comes from the file itself
  (``file:<journal>-<year>-<entry>``), so importing the same file again finds the same journals
  (``submit_journal`` is idempotent on the reference); the journal's description is fixed text, never
  translated, for the same reason. An entry imported before with other content is reported, not changed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import connection, transaction

from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.core.numbers import small_int
from ledgerlink.core.text import bad_character
from ledgerlink.journals import messages as m
from ledgerlink.journals.actions import JournalConflict, submit_journal
from ledgerlink.journals.admission import Admission, Checked
from ledgerlink.journals.choices import Kind, Source
from ledgerlink.journals.intake import JournalIn, LineIn, SubmissionInvalid, content_hash, differences, normalised
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.models import Company

COLUMNS = (
    "line number",
    "journal entry",
    "journal",
    "year",
    "period",
    "date",
    "amount",
    "VAT code",
    "VAT amount",
    "relation",
    "GL number",
    "description",
    "product",
)
REQUIRED_COLUMNS = len(COLUMNS) - 1  # the product column is experimental and may be left off
AMOUNT = re.compile(r"^[+-]?\d+(\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# No "-": it separates the parts of the reference file:<journal>-<year>-<entry>, which must stay unambiguous.
CODE = re.compile(r"^[0-9A-Za-z._/]{1,20}$")  # journal code and entry number
CODE_LENGTH = 40
MAX_BYTES = 10 * 1024 * 1024
CHUNK = 200  # entries checked between progress reports, and written per transaction (at most)
# On SQLite a write transaction ends after this long even before CHUNK entries: that is how long every other
# writer waits for SQLite's one write lock. A waiting writer polls (SQLite's busy handler sleeps 1, 2, 5, 10 …
# ms between tries), so a 100 ms transaction made another company's API calls wait about 100 ms: 7.5 times
# their usual p95 on a quiet machine. 5 ms (in practice one to three entries) keeps them within 2 times up to
# 50,000 entries, at about 100 entries a second (bench_import.py; ADR 0017).
LOCK_BUDGET = 0.005
# After each chunk SQLite's write lock is left free this long, so that a waiting writer's next poll finds it
# free; without a pause the import took the lock again at once, every time, and another company's API call
# waited out its 20 s timeout and answered 500. PostgreSQL locks rows: other companies never wait for it.
SQLITE_PAUSE = 0.02
# On PostgreSQL a chunk's transaction ends after this long too: other companies never wait for it, but the rows
# it holds (a journal's reference, the job's counters) would, and 200 entries took 15 s on a loaded machine
# (bench_import.py) where the issue asks for about a second.
POSTGRES_BUDGET = 1.0


@dataclass(frozen=True)
class LineProblem:
    """A bad line of the file (``row`` is its 1-based line number in the file; None: the whole file).

    What is wrong (and how to fix it) is a coded message: an import's problems are stored with its job and
    read later, in the reader's language.
    """

    row: int | None
    coded: Message

    @property
    def message(self) -> str:
        return self.coded.text()

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, **self.coded.to_json()}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> LineProblem:
        return cls(value.get("row"), Message.from_json(value) or Message.legacy(""))

    def __str__(self) -> str:
        return f"line {self.row}: {self.message}" if self.row is not None else self.message


@dataclass
class Entry:
    """One journal entry of the file, which becomes one journal."""

    journal_code: str
    year: int
    entry: str
    period: int
    date: date
    rows: list[int] = field(default_factory=list)  # file line of each journal line
    line_numbers: dict[str, int] = field(default_factory=dict)  # the file's line number → file line
    lines: list[LineIn] = field(default_factory=list)
    # Totals as the check weighs them, with the VAT Exact adds for an excluding VAT code (None: not weighed).
    weighed: tuple[Decimal, Decimal] | None = None
    checked: JournalIn | None = None  # the journal the entry becomes, once checked

    @property
    def reference(self) -> str:
        return f"file:{self.journal_code}-{self.year}-{self.entry}"

    def submission(self, connector: int) -> dict[str, object]:
        """The entry as a submission, read by the same parser as the API's (intake.py)."""
        description = f"RetailVista cash journal {self.journal_code} {self.year}/{self.period:02d} entry {self.entry}"
        return {
            "reference": self.reference,
            "kind": Kind.CASH.value,
            "connector": connector,
            "date": self.date,
            "description": description,
            "lines": [line.model_dump() for line in self.lines],
        }


@dataclass
class Parsed:
    entries: list[Entry]
    problems: list[LineProblem]
    skipped: list[int]  # file lines with a zero amount and no VAT: nothing to book
    lines: int = 0  # lines in the file


class ImportStage(StrEnum):
    CHECKING = "checking"
    IMPORTING = "importing"


@dataclass(frozen=True)
class Progress:
    """How far an import is: ``done`` of ``entries`` checked (or written), of a file of ``lines`` lines."""

    stage: ImportStage
    lines: int
    entries: int
    done: int
    created: int
    unchanged: int


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class JournalResult:
    reference: str
    entry: str
    date: date
    lines: int
    debit: Decimal
    credit: Decimal
    journal_id: int | None = None
    created: bool = False


@dataclass
class ImportResult:
    journals: list[JournalResult] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    lines: int = 0
    lock_seconds: list[float] = field(default_factory=list)  # how long each written chunk's transaction took

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def created(self) -> int:
        return sum(1 for journal in self.journals if journal.created)

    @property
    def unchanged(self) -> int:
        return sum(1 for journal in self.journals if journal.journal_id is not None and not journal.created)


class ImportRefused(Exception):
    def __init__(self, problems: list[LineProblem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


# --- reading --------------------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8, with or without a byte-order mark. Anything else is refused with the line where it breaks."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            [
                LineProblem(
                    row,
                    Message.of(m.IMPORT_NOT_UTF8),
                )
            ]
        )


def _amount(text: str, name: Message, row: int, problems: list[LineProblem]) -> Decimal | None:
    text = text.strip()
    if not text:
        return Decimal("0.00")
    if "," in text and AMOUNT.match(text.replace(",", ".")):
        problems.append(
            LineProblem(
                row,
                Message.of(m.IMPORT_DECIMAL_COMMA, column=name, value=text),
            )
        )
        return None
    if not AMOUNT.match(text):
        problems.append(
            LineProblem(
                row,
                Message.of(m.IMPORT_NOT_AMOUNT, column=name, value=text),
            )
        )
        return None
    if len(text.lstrip("+-").split(".")[0]) > 12:
        problems.append(LineProblem(row, Message.of(m.IMPORT_AMOUNT_TOO_LARGE, column=name, value=text)))
        return None
    amount = Decimal(text)
    if amount != amount.quantize(Decimal("0.01")):
        problems.append(
            LineProblem(
                row,
                Message.of(m.IMPORT_AMOUNT_DECIMALS, column=name, value=text),
            )
        )
        return None
    return amount.quantize(Decimal("0.01"))


def _whole(text: str, name: Message, row: int, problems: list[LineProblem], low: int, high: int) -> int | None:
    text = text.strip()
    number = small_int(text)
    if number is None or not low <= number <= high:
        problems.append(
            LineProblem(
                row,
                Message.of(m.IMPORT_NOT_WHOLE, column=name, value=text, low=low, high=high),
            )
        )
        return None
    return number


def _date(text: str, row: int, problems: list[LineProblem]) -> date | None:
    text = text.strip()
    if ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems.append(LineProblem(row, Message.of(m.IMPORT_DATE_FORMAT, value=text)))
    return None


def _is_title(cells: list[str]) -> bool:
    return not (cells and cells[0].strip().isdigit())


class LineUnreadable(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def _physical_lines(text: str) -> list[str]:
    """The file's lines as a text editor numbers them (``\\n`` or ``\\r\\n``), so every problem names the line
    a person sees. A value never spans lines: a quote left open is that line's problem, not the next lines'."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def split_line(line: str) -> list[str]:
    """One line's values, read strictly: a value is either plain (no quote in it) or wholly quoted (``""``
    for a quote inside), and a quote opened on a line is closed on it. Python's csv module instead lets an
    open quote run on into the next lines, which once stored half a journal with CSV text as its description.
    """
    found = bad_character(line)
    if found is not None:
        raise LineUnreadable(Message.of(m.IMPORT_BAD_CHARACTER, column=found[0], character=found[1]))
    cells: list[str] = []
    at, end = 0, len(line)
    while True:
        if at < end and line[at] == '"':
            opened = at + 1
            parts: list[str] = []
            at += 1
            while True:
                close = line.find('"', at)
                if close < 0:
                    raise LineUnreadable(Message.of(m.IMPORT_QUOTE_NOT_CLOSED, column=opened))
                parts.append(line[at:close])
                if line.startswith('""', close):
                    parts.append('"')
                    at = close + 2
                    continue
                at = close + 1
                break
            cells.append("".join(parts))
            if at == end:
                return cells
            if line[at] != ",":
                raise LineUnreadable(Message.of(m.IMPORT_TEXT_AFTER_QUOTE, column=at))
            at += 1
            continue
        comma = line.find(",", at)
        stop = end if comma < 0 else comma
        cell = line[at:stop]
        if '"' in cell:
            raise LineUnreadable(Message.of(m.IMPORT_STRAY_QUOTE, column=at + cell.index('"') + 1))
        cells.append(cell)
        if comma < 0:
            return cells
        at = comma + 1


def parse(text: str) -> Parsed:
    """Every entry of the file and every problem of every line; nothing is looked up in the database."""
    problems: list[LineProblem] = []
    skipped: list[int] = []
    entries: dict[tuple[str, int, str], Entry] = {}
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if ";" in first_line and "," not in first_line:
        return Parsed(
            [],
            [
                LineProblem(
                    None,
                    Message.of(m.IMPORT_SEMICOLONS),
                )
            ],
            [],
        )
    seen_first = False
    physical = _physical_lines(text)
    for row, line in enumerate(physical, start=1):
        try:
            cells = split_line(line)
        except LineUnreadable as exc:
            problems.append(LineProblem(row, exc.message))
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if not seen_first:
            seen_first = True
            if _is_title(cells):
                continue
        while len(cells) > len(COLUMNS) and not cells[-1].strip():
            cells.pop()
        if not REQUIRED_COLUMNS <= len(cells) <= len(COLUMNS):
            problems.append(
                LineProblem(
                    row,
                    Message.of(m.IMPORT_COLUMN_COUNT, found=len(cells), needed=len(COLUMNS), names=", ".join(COLUMNS)),
                )
            )
            continue
        _parse_line(cells, row, entries, problems, skipped)
    if not entries and not problems:
        problems.append(LineProblem(None, Message.of(m.IMPORT_NO_LINES)))
    return Parsed(list(entries.values()), problems, skipped, len(physical))


def _parse_line(
    cells: list[str],
    row: int,
    entries: dict[tuple[str, int, str], Entry],
    problems: list[LineProblem],
    skipped: list[int],
) -> None:
    found: list[LineProblem] = []
    line_number = _whole(cells[0], Message.of(m.IMPORT_COLUMN_LINE_NUMBER), row, found, 0, 999999)
    entry_number, journal_code = cells[1].strip(), cells[2].strip()
    if not CODE.match(entry_number):
        found.append(LineProblem(row, Message.of(m.IMPORT_ENTRY_NUMBER, value=entry_number)))
    if not CODE.match(journal_code):
        found.append(
            LineProblem(
                row,
                Message.of(m.IMPORT_JOURNAL_CODE, value=journal_code),
            )
        )
    year = _whole(cells[3], Message.of(m.IMPORT_COLUMN_YEAR), row, found, 1900, 2999)
    period = _whole(cells[4], Message.of(m.IMPORT_COLUMN_PERIOD), row, found, 1, 99)
    when = _date(cells[5], row, found)
    amount = _amount(cells[6], Message.of(m.IMPORT_COLUMN_AMOUNT), row, found)
    vat_code = cells[7].strip()
    vat_amount = _amount(cells[8], Message.of(m.IMPORT_COLUMN_VAT_AMOUNT), row, found)
    relation, ledger = cells[9].strip(), cells[10].strip()
    description = cells[11].strip()
    if not ledger:
        found.append(LineProblem(row, Message.of(m.IMPORT_GL_EMPTY)))
    elif len(ledger) > CODE_LENGTH:
        found.append(LineProblem(row, Message.of(m.IMPORT_GL_TOO_LONG, n=CODE_LENGTH)))
    if len(relation) > CODE_LENGTH:
        found.append(LineProblem(row, Message.of(m.IMPORT_RELATION_TOO_LONG, n=CODE_LENGTH)))
    if len(vat_code) > 10:
        found.append(LineProblem(row, Message.of(m.IMPORT_VAT_CODE_TOO_LONG)))
    if len(description) > 200:
        found.append(LineProblem(row, Message.of(m.IMPORT_DESCRIPTION_TOO_LONG)))
    if amount is not None and vat_amount is not None:
        if vat_amount and amount and (vat_amount < 0) != (amount < 0):
            found.append(
                LineProblem(
                    row,
                    Message.of(m.IMPORT_VAT_SIGN, vat=vat_amount, amount=amount),
                )
            )
        if vat_amount and not vat_code:
            found.append(LineProblem(row, Message.of(m.IMPORT_VAT_WITHOUT_CODE)))
        if not amount and vat_amount:
            found.append(LineProblem(row, Message.of(m.IMPORT_VAT_WITHOUT_AMOUNT)))
    if found:
        problems.extend(found)
        return
    assert line_number is not None and year is not None and period is not None and when is not None
    assert amount is not None and vat_amount is not None
    key = (journal_code, year, entry_number)
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = Entry(journal_code=journal_code, year=year, entry=entry_number, period=period, date=when)
    if when != entry.date or period != entry.period:
        first = entry.rows[0] if entry.rows else row
        problems.append(
            LineProblem(
                row,
                Message.of(
                    m.IMPORT_ENTRY_DATES_DIFFER,
                    entry=entry_number,
                    date=entry.date,
                    period=entry.period,
                    first=first,
                    here=when,
                    here_period=period,
                ),
            )
        )
        return
    if str(line_number) in entry.line_numbers:
        problems.append(
            LineProblem(
                row,
                Message.of(
                    m.IMPORT_LINE_NUMBER_TWICE,
                    number=line_number,
                    entry=entry_number,
                    other=entry.line_numbers[str(line_number)],
                ),
            )
        )
        return
    entry.line_numbers[str(line_number)] = row
    if not amount:
        skipped.append(row)
        return
    entry.rows.append(row)
    entry.lines.append(
        # Not validated here: the whole entry is read by the one parser when it is checked (admission.py).
        LineIn.model_construct(
            ledger_code=ledger,
            debit=amount if amount > 0 else Decimal("0.00"),
            credit=-amount if amount < 0 else Decimal("0.00"),
            vat_code=vat_code,
            vat_amount=abs(vat_amount),
            description=description,
            relation_code=relation,
            cost_centre="",
        )
    )


# --- importing ------------------------------------------------------------------------------------------------


def _result(entry: Entry, journal: Journal | None = None, created: bool = False) -> JournalResult:
    debit, credit = entry.weighed or (
        sum((line.debit for line in entry.lines), Decimal("0.00")),
        sum((line.credit for line in entry.lines), Decimal("0.00")),
    )
    return JournalResult(
        reference=entry.reference,
        entry=entry.entry,
        date=entry.date,
        lines=len(entry.lines),
        debit=debit,
        credit=credit,
        journal_id=journal.pk if journal else None,
        created=created,
    )


def _existing(company: Company, references: list[str]) -> dict[str, Journal]:
    """The company's journals with these references, read in batches (a file of 50,000 entries: 100 queries)."""
    found: dict[str, Journal] = {}
    for start in range(0, len(references), 500):
        batch = references[start : start + 500]
        rows = Journal.objects.for_company(company).filter(reference__in=batch)
        found.update(
            (journal.reference, journal) for journal in rows.only("pk", "reference", "content_hash", "content")
        )
    return found


def _entry_problems(
    entry: Entry, connector: int, admission: Admission, existing: dict[str, Journal]
) -> list[LineProblem]:
    """Shape problems of the journal the entry becomes (mapped to file lines), its balance as Exact weighs it,
    and a conflict with an earlier import of the same entry. Keeps the checked journal on the entry."""
    if not entry.lines:
        return [
            LineProblem(
                next(iter(entry.line_numbers.values()), None),
                Message.of(m.IMPORT_ENTRY_ZERO, entry=entry.entry),
            )
        ]
    checked = admission.check(entry.submission(connector))
    if checked.result is not None and checked.result.debit is not None and checked.result.credit is not None:
        entry.weighed = (checked.result.debit, checked.result.credit)
    found = [
        LineProblem(
            entry.rows[p.line - 1] if p.line else entry.rows[0],
            Message.of(m.IMPORT_ENTRY_PROBLEM, entry=entry.entry, message=p.message),
        )
        for p in checked.problems
    ]
    if found or checked.journal is None:
        return found
    entry.checked = checked.journal
    earlier = existing.get(entry.reference)
    if earlier is not None:
        content = normalised(checked.journal)
        if earlier.content_hash != content_hash(content):
            changes = "; ".join(differences(earlier.content, content)[:10])
            found.append(
                LineProblem(
                    entry.rows[0],
                    Message.of(m.IMPORT_ENTRY_CHANGED, entry=entry.entry, id=earlier.pk, changes=changes),
                )
            )
    return found


def _refused(result: ImportResult, entries: list[Entry]) -> ImportResult:
    result.journals = [_result(entry) for entry in entries]
    result.problems.sort(key=lambda problem: problem.row or 0)
    return result


def import_file(
    company: Company, connector_number: int, data: bytes, progress: ProgressCallback | None = None
) -> ImportResult:
    """Read and check every entry of the file, then store them in chunks (see the module docstring).

    ``progress`` is called after each chunk checked (outside any transaction) and each chunk written (inside
    that chunk's transaction, so a job's counters commit with its journals).
    """
    report = progress or (lambda _progress: None)
    if len(data) > MAX_BYTES:
        return ImportResult(problems=[LineProblem(None, Message.of(m.IMPORT_FILE_TOO_LARGE, mb=MAX_BYTES // 2**20))])
    try:
        text = decode(data)
    except ImportRefused as exc:
        return ImportResult(problems=exc.problems)
    parsed = parse(text)
    result = ImportResult(skipped=parsed.skipped, problems=list(parsed.problems))
    result.lines = parsed.lines
    connector = Connector.objects.for_company(company).filter(number=connector_number).first()
    if connector is None:
        result.problems.insert(
            0,
            LineProblem(None, Message.of(m.IMPORT_CONNECTOR_UNKNOWN, company=company.number, number=connector_number)),
        )
    entries = parsed.entries
    report(Progress(ImportStage.CHECKING, parsed.lines, len(entries), 0, 0, 0))
    if result.problems or connector is None:
        return _refused(result, entries)
    admission = Admission(company)
    existing = _existing(company, [entry.reference for entry in entries])
    for start in range(0, len(entries), CHUNK):
        for entry in entries[start : start + CHUNK]:
            result.problems.extend(_entry_problems(entry, connector_number, admission, existing))
        report(Progress(ImportStage.CHECKING, parsed.lines, len(entries), min(start + CHUNK, len(entries)), 0, 0))
    if result.problems:
        return _refused(result, entries)
    _write(company, connector, entries, admission, result, report, parsed.lines)
    result.problems.sort(key=lambda problem: problem.row or 0)
    return result


def _write(
    company: Company,
    connector: Connector,
    entries: list[Entry],
    admission: Admission,
    result: ImportResult,
    report: ProgressCallback,
    lines: int,
) -> None:
    """Store the checked entries, ``CHUNK`` to a transaction, at most ``LOCK_BUDGET`` long on SQLite (then a pause)
    and ``POSTGRES_BUDGET`` on PostgreSQL.

    Every entry was checked before the first is written; an entry someone else stored with other content in
    the meantime is reported and the rest is kept (submit_journal is idempotent, so importing the file again
    after fixing that entry completes it).
    """
    sqlite = connection.vendor == "sqlite"
    budget = LOCK_BUDGET if sqlite else POSTGRES_BUDGET
    position = 0
    while position < len(entries):
        began = time.perf_counter()
        with transaction.atomic():
            start = position
            while position < len(entries) and position - start < CHUNK:
                if position > start and time.perf_counter() - began >= budget:
                    break
                entry = entries[position]
                position += 1
                assert entry.checked is not None  # set by _entry_problems for every entry without problems
                try:
                    submitted = submit_journal(
                        company,
                        entry.checked,
                        source=Source.IMPORT,
                        admission=admission,
                        checked=Checked(entry.checked, connector),
                    )
                except (JournalConflict, SubmissionInvalid) as exc:
                    result.journals.append(_result(entry))
                    result.problems.append(LineProblem(entry.rows[0], Message.of(m.IMPORT_CONFLICT, reason=str(exc))))
                    continue
                result.journals.append(_result(entry, submitted.journal, submitted.created))
            report(Progress(ImportStage.IMPORTING, lines, len(entries), position, result.created, result.unchanged))
        result.lock_seconds.append(time.perf_counter() - began)
        if sqlite and position < len(entries):
            time.sleep(SQLITE_PAUSE)  # let a waiting writer in (see SQLITE_PAUSE)
