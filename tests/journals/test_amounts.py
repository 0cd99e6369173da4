from decimal import Decimal

import pytest

from ledgerlink.journals.submission import Problem, money


@pytest.mark.parametrize("value", ["1E+30", "1e99999", "NaN", "Infinity", "-1E+400"])
def test_absurd_amounts_are_problems_not_crashes(value: str) -> None:
    problems: list[Problem] = []
    assert money(value, "debit", 2, problems) == Decimal("0.00")
    assert problems and problems[0].line == 2 and "not an amount this service accepts" in problems[0].message


def test_exact_amounts_pass_and_floats_do_not() -> None:
    problems: list[Problem] = []
    assert money("12.30", "credit", 1, problems) == Decimal("12.30")
    assert money(12.3, "credit", 1, problems) == Decimal("0.00")
    assert [p.message for p in problems] == ["credit must be given as a string or an exact number, not a float"]
