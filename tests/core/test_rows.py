"""A Lookup compiled once gives what the ORM gives: the same rows, values converted, related rows and
annotations filled; an Insert and an Update write what the ORM writes; on SQLite and on PostgreSQL (the suite
runs this module on both)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from ledgerlink.connectors.models import RateLimitRecord
from ledgerlink.core.messages import Message
from ledgerlink.core.rows import KEYS_AT_MOST, ForKeys, Insert, Lookup, Update, Values, param, unique_row
from ledgerlink.journals.actions import submit_journal
from ledgerlink.journals.intake import JournalIn, LineIn
from ledgerlink.journals.models import ApiKey, Journal, JournalLine
from ledgerlink.tenancy.models import Company, Licence
from tests.support.api import tenant

pytestmark = pytest.mark.django_db

KEY_WITH_LICENCE = Lookup(
    lambda prefix, module: (
        ApiKey.objects.select_related("company")
        .filter(prefix=prefix)
        .annotate(licensed=Exists(Licence.objects.for_company(OuterRef("company")).filter(module=module)))
        .order_by()[:1]
    ),
    param("prefix", "\x00prefix"),
    param("module", "\x00module"),
)
JOURNAL = Lookup(
    lambda company, reference: Journal.objects.for_company(company).filter(reference=reference).order_by()[:1],
    param("company", 907_001_001),
    param("reference", "\x00reference"),
)


def a_journal(company: Company, reference: str) -> Journal:
    journal_in = JournalIn(
        reference=reference,
        kind="cash",
        connector=1,
        date=date(2024, 6, 10),
        description="Kas",
        lines=[
            LineIn(ledger_code="1000", debit=Decimal("121.00")),
            LineIn(ledger_code="8000", credit=Decimal("100.00"), vat_code="2", vat_amount=Decimal("21.00")),
        ],
    )
    return submit_journal(company, journal_in).journal


def test_a_row_is_the_orms_row_with_every_value_converted() -> None:
    company, _key = tenant(1001, "alpha")
    stored = a_journal(company, "Z-1")
    found = JOURNAL.first(company=company.pk, reference="Z-1")
    orm = Journal.objects.get(pk=stored.pk)
    assert found is not None and found.pk == orm.pk
    for field in Journal._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(orm, field.attname), field.name
    assert found.created_at.tzinfo is not None and isinstance(found.date, date)
    assert isinstance(found.content, dict) and found.content["lines"][0]["debit"] == "121.00"
    assert JOURNAL.first(company=company.pk, reference="Z-2") is None


def test_each_company_sees_its_own_row() -> None:
    alpha, _ = tenant(1001, "alpha")
    beta, _ = tenant(1002, "beta")
    mine, theirs = a_journal(alpha, "SAME"), a_journal(beta, "SAME")
    assert JOURNAL.first(company=alpha.pk, reference="SAME") == mine
    assert JOURNAL.first(company=beta.pk, reference="SAME") == theirs


def test_related_rows_and_annotations_are_filled_in_the_one_query() -> None:
    company, plaintext = tenant(1001, "alpha")
    prefix = plaintext.split("_")[1]
    with CaptureQueriesContext(connection) as captured:
        key = KEY_WITH_LICENCE.first(prefix=prefix, module="api")
        assert key is not None and key.company.name == company.name and key.company.alias == "alpha"
        assert vars(key)["licensed"] is True
    assert len(captured.captured_queries) == 1
    without = KEY_WITH_LICENCE.first(prefix=prefix, module="exact_online")
    assert without is not None and vars(without)["licensed"] is False


def test_a_sample_that_does_not_appear_once_is_refused_when_first_run() -> None:
    twice = Lookup(
        lambda alias: Company.objects.filter(alias=alias, name=alias).order_by()[:1], param("alias", "\x00alias")
    )
    with pytest.raises(ValueError, match="once"):
        twice.first(alias="alpha")
    with pytest.raises(TypeError):
        Lookup(lambda alias: Company.objects.filter(alias=alias), "alias")


def test_unique_row_asks_without_order() -> None:
    company, _ = tenant(1001, "alpha")
    with CaptureQueriesContext(connection) as captured:
        assert unique_row(Company.objects.filter(alias="alpha")) == company
        assert unique_row(Company.objects.filter(alias="nobody")) is None
    assert [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]] == []


LINES = Insert(JournalLine)


def test_an_insert_stores_what_the_orm_would_in_one_statement() -> None:
    company, _ = tenant(1001, "alpha")
    journal = a_journal(company, "Z-1")
    JournalLine.objects.filter(journal=journal).delete()
    made = [
        JournalLine(journal=journal, line_no=n, ledger_code="8000", credit=Decimal("10.05") * n, description=f"€ {n}")
        for n in range(1, 4)
    ]
    with CaptureQueriesContext(connection) as captured:
        LINES.rows(made)
        LINES.rows([])  # nothing to write: no statement
    assert len(captured.captured_queries) == 1
    # One statement as the database sees it: an executemany is one statement per row to PostgreSQL (each parsed
    # and planned again), and one round trip does not make it one.
    assert " times: " not in captured.captured_queries[0]["sql"], captured.captured_queries[0]["sql"][:80]
    stored = list(JournalLine.objects.filter(journal=journal).order_by("line_no"))
    assert [(x.line_no, x.credit, x.debit, x.description) for x in stored] == [
        (1, Decimal("10.05"), Decimal("0.00"), "€ 1"),
        (2, Decimal("20.10"), Decimal("0.00"), "€ 2"),
        (3, Decimal("30.15"), Decimal("0.00"), "€ 3"),
    ]


def test_more_rows_than_one_statement_may_carry_are_written_in_as_few_as_the_database_allows() -> None:
    company, _ = tenant(1001, "alpha")
    journal = a_journal(company, "Z-1")
    JournalLine.objects.filter(journal=journal).delete()
    count = 1000  # the most lines a journal may have (intake.MAX_LINES)
    made = [JournalLine(journal=journal, line_no=n, ledger_code="8000", credit=Decimal(n)) for n in range(1, count + 1)]
    written = [f for f in JournalLine._meta.concrete_fields if not f.primary_key]  # the key is the database's
    per_statement = connection.ops.bulk_batch_size(written, made)
    with CaptureQueriesContext(connection) as captured:
        LINES.rows(made)
    assert len(captured.captured_queries) == -(-count // per_statement)
    assert not [q for q in captured.captured_queries if " times: " in q["sql"]]
    stored = list(JournalLine.objects.filter(journal=journal).order_by("line_no").values_list("line_no", "credit"))
    assert stored == [(n, Decimal(n)) for n in range(1, count + 1)]


def test_one_insert_gives_the_row_its_key_and_stores_every_field() -> None:
    company, _ = tenant(1001, "alpha")
    model = a_journal(company, "Z-1")
    fields = {f.attname: getattr(model, f.attname) for f in Journal._meta.concrete_fields if not f.primary_key}
    fields.update(reference="Z-2", marker="LL-SECOND", created_at=None, updated_at=None)
    made = Insert(Journal).one(Journal(**fields))
    assert made.pk is not None and made.pk != model.pk and not made._state.adding
    stored = Journal.objects.get(pk=made.pk)
    assert stored.reference == "Z-2" and stored.content == model.content and stored.connector_id == model.connector_id
    assert stored.created_at is not None and stored.created_at.tzinfo is not None  # auto_now_add, as save() does


HAND_OVER = Update(
    ["status", "claimed_by", "claimed_at", "status_message", "attempt_count"],
    lambda pk, worker: Journal.objects.filter(pk=pk, claimed_by=worker),
    param("pk", 907_001_001),
    param("worker", "\x00worker"),
)


def test_an_update_writes_what_queryset_update_writes_to_the_rows_it_finds() -> None:
    company, _ = tenant(1001, "alpha")
    mine, other = a_journal(company, "U-1"), a_journal(company, "U-2")
    Journal.objects.filter(pk__in=[mine.pk, other.pk]).update(
        claimed_by="w1", claimed_at=datetime(2024, 6, 10, tzinfo=UTC)
    )
    values = {
        "status": "failed",
        "claimed_by": "",
        "claimed_at": None,
        "status_message": Message.of("journal.gl_missing", line=1, ledger="4711"),
        "attempt_count": 3,
    }
    with CaptureQueriesContext(connection) as captured:
        assert HAND_OVER.run(values, pk=mine.pk, worker="w1") == 1
        assert HAND_OVER.run(values, pk=other.pk, worker="w2") == 0  # not claimed by w2: untouched
    assert len(captured.captured_queries) == 2
    Journal.objects.filter(pk=other.pk).update(**values)  # the ORM's own, for comparison
    stored, by_orm = Journal.objects.get(pk=mine.pk), Journal.objects.get(pk=other.pk)
    fields = ["status", "claimed_by", "claimed_at", "status_message", "attempt_count"]
    assert [getattr(stored, f) for f in fields] == [getattr(by_orm, f) for f in fields]
    assert stored.status_message == values["status_message"] and stored.claimed_at is None
    assert Journal.objects.get(pk=other.pk).claimed_by == ""


def test_an_update_saves_an_instance_as_save_with_update_fields_does() -> None:
    record = RateLimitRecord.objects.create(key="app|7001", state={})
    before = record.updated_at
    record.state = {"minutely": {"limit": 60, "remaining": 59, "reset_ms": 1}}
    assert (
        Update(
            ["state", "updated_at"], lambda pk: RateLimitRecord.objects.filter(pk=pk), param("pk", 907_001_001)
        ).save(record)
        == 1
    )
    stored = RateLimitRecord.objects.get(pk=record.pk)
    assert stored.state == record.state
    assert stored.updated_at == record.updated_at and stored.updated_at >= before  # auto_now, as save() sets it


def test_an_update_names_each_field_it_writes_once() -> None:
    with pytest.raises(ValueError, match="must appear once"):
        Update(["status"], lambda pk: Journal.objects.filter(pk=pk, id=pk), param("pk", 907_001_001)).run(
            {"status": "failed"}, pk=1
        )


CREATED_SINCE = Values(
    lambda company, since: (
        Journal.objects.for_company(company)
        .filter(created_at__gte=since)
        .order_by("id")
        .values_list("id", "created_at")
    ),
    param("company", 907_001_001),
    param("since", datetime(2099, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)),
)


def test_values_are_the_orms_values_list_with_a_datetime_parameter() -> None:
    """A datetime goes in as the backend writes it (text on SQLite), and comes back converted, aware."""
    company, _ = tenant(1001, "alpha")
    other, _ = tenant(1002, "beta")
    journals = [a_journal(company, f"V-{n}") for n in range(3)] + [a_journal(other, "V-other")]
    for n, journal in enumerate(journals):
        Journal.objects.filter(pk=journal.pk).update(created_at=datetime(2024, 6, 10, 12, n, 30, 250_000, tzinfo=UTC))
    since = datetime(2024, 6, 10, 12, 1, 30, 250_000, tzinfo=UTC)  # the second journal's, to the microsecond
    expected = list(
        Journal.objects.for_company(company)
        .filter(created_at__gte=since)
        .order_by("id")
        .values_list("id", "created_at")
    )
    found = CREATED_SINCE.rows(company=company.pk, since=since)
    assert found == [tuple(row) for row in expected] and len(found) == 2
    assert all(created.tzinfo is not None for _, created in found)
    assert CREATED_SINCE.rows(company=other.pk, since=since) == [
        (journals[3].pk, datetime(2024, 6, 10, 12, 3, 30, 250_000, tzinfo=UTC))
    ]


LINES_OF = ForKeys(
    lambda keys: Lookup(lambda **pks: JournalLine.objects.filter(journal_id__in=[*pks.values()]).order_by("id"), *keys)
)
MARK_SENT = ForKeys(
    lambda keys: Update(["status_message"], lambda **pks: Journal.objects.filter(pk__in=[*pks.values()]), *keys)
)


def test_a_statement_over_keys_finds_what_the_orm_finds_for_each_length_and_in_chunks() -> None:
    company, _ = tenant(1001, "alpha")
    journals = [a_journal(company, f"K-{n}").pk for n in range(KEYS_AT_MOST + 3)]
    for wanted in (journals[:1], journals[2:5], journals, [journals[0], journals[0]]):
        found = [line for lookup, keys in LINES_OF.each(wanted) for line in lookup.rows(**keys)]
        expected = list(JournalLine.objects.filter(journal_id__in=wanted).order_by("id"))
        assert sorted(line.pk for line in found) == [line.pk for line in expected]
        assert {(line.journal_id, line.ledger_code, line.debit) for line in found} == {
            (line.journal_id, line.ledger_code, line.debit) for line in expected
        }
    assert len(list(LINES_OF.each(journals))) == 2  # KEYS_AT_MOST, then the three left
    with CaptureQueriesContext(connection) as captured:
        changed = sum(
            update.run({"status_message": {"code": "x"}}, **keys) for update, keys in MARK_SENT.each(journals[:4])
        )
    assert changed == 4 and len(captured.captured_queries) == 1
    assert Journal.objects.filter(status_message={"code": "x"}).count() == 4


@pytest.mark.django_db(transaction=True)
def test_statements_share_a_kept_cursor_but_a_new_connection_or_a_query_log_gets_new_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    company, _key = tenant(1001, "alpha")
    a_journal(company, "Z-1")
    made: list[object] = []
    wrapper = connections["default"]  # the connection itself, not django.db.connection's proxy

    def counted(name: object = None) -> object:
        made.append(name)
        return type(wrapper).create_cursor(wrapper, name)

    monkeypatch.setattr(wrapper, "create_cursor", counted)
    wrapper.__dict__.pop("_ledgerlink_kept_cursor", None)
    for _ in range(3):
        assert JOURNAL.first(company=company.pk, reference="Z-1") is not None
    assert len(made) == 1  # one cursor for the three runs
    with CaptureQueriesContext(connection) as logged:
        for _ in range(2):
            before = len(made)
            assert JOURNAL.first(company=company.pk, reference="Z-1") is not None
            assert len(made) > before  # a cursor of its own, which logs the query
    assert len(logged.captured_queries) == 2
    wrapper.close()
    before = len(made)
    assert JOURNAL.first(company=company.pk, reference="Z-1") is not None  # reconnected, with a cursor of its own
    assert len(made) > before
    after_reconnect = len(made)
    assert JOURNAL.first(company=company.pk, reference="Z-2") is None
    assert len(made) == after_reconnect  # and that one is kept
