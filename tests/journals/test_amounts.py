"""Amounts through the one parser: exact decimals, floats and absurd values refused with coded problems."""

from decimal import Decimal
from typing import Any

import pytest

from ledgerlink.journals.intake import parse


def submission(**line: Any) -> dict[str, Any]:
    return {
        "reference": "A-1",
        "kind": "cash",
        "connector": 1,
        "date": "2026-03-14",
        "lines": [{"ledger_code": "1000", **line}],
    }


@pytest.mark.parametrize("value", ["1E+30", "1e99999", "NaN", "Infinity", "-1E+400"])
def test_absurd_amounts_are_problems_not_crashes(value: str) -> None:
    journal, problems = parse(submission(debit=value))
    assert journal is None
    [problem] = problems
    assert (problem.field, problem.line, problem.message.code) == ("debit", 1, "journal.amount_too_large")
    assert "not an amount this service accepts" in problem.message.text()


def test_exact_amounts_pass_and_floats_do_not() -> None:
    journal, problems = parse(submission(credit="12.30"))
    assert problems == [] and journal is not None and journal.lines[0].credit == Decimal("12.30")
    journal, problems = parse(submission(credit=12.3))
    assert [p.message.text() for p in problems] == ["credit must be given as a string or an exact number, not a float"]
    assert [p.as_dict()["code"] for p in problems] == ["journal.amount_not_exact"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.005", "journal.amount_decimals"),
        ("-3", "journal.amount_negative"),
        ("abc", "journal.amount_invalid"),
        (True, "journal.amount_invalid"),
        ([1], "journal.amount_invalid"),
    ],
)
def test_wrong_amounts_get_one_coded_problem_each(value: Any, code: str) -> None:
    assert [p.message.code for p in parse(submission(debit=value))[1]] == [code]


def test_json_numbers_and_whole_numbers_are_read_exactly() -> None:
    for value, expected in ((Decimal("121.10"), "121.10"), (121, "121.00"), ("", None), (None, None)):
        journal, problems = parse(submission(debit=value, credit="1.00" if expected is None else None))
        assert problems == [] and journal is not None
        assert journal.lines[0].debit == (Decimal(expected) if expected else Decimal("0.00"))
