import pytest

from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import AuditEntry, Company, Licence
from tests import factories

pytestmark = pytest.mark.django_db


def test_create_company_writes_an_audit_entry() -> None:
    company = factories.company(1001, "Demo Retail BV", "demo")
    entry = AuditEntry.objects.get(company=company)
    assert entry.action == "company.created"
    assert entry.changes == {
        "number": [None, 1001],
        "name": [None, "Demo Retail BV"],
        "alias": [None, "demo"],
        "language": [None, "en"],
    }
    assert entry.actor_label == "ledgerlink"


@pytest.mark.parametrize(
    ("number", "name", "alias", "message"),
    [
        (0, "X", None, "positive whole number"),
        (-5, "X", None, "positive whole number"),
        (1002, "  ", None, "needs a name"),
        (1001, "Other", None, "already in use"),
        (1002, "Other", "demo", "already taken"),
        (1002, "Other", "www", "reserved"),
        (1002, "Other", "Bad Alias", "lower case"),
    ],
)
def test_create_company_refusals(number: int, name: str, alias: str | None, message: str) -> None:
    factories.company(1001, alias="demo")
    with pytest.raises(actions.TenancyError, match=message):
        actions.create_company(Actor.system(), number, name, alias)
    assert Company.objects.count() == 1


def test_alias_change_and_clear_are_audited() -> None:
    company = factories.company(alias=None)
    actions.update_company(Actor.system(), company, alias="shop", set_alias=True)
    actions.update_company(Actor.system(), company, alias=None, set_alias=True)
    changes = list(AuditEntry.objects.filter(action="company.changed").order_by("id").values_list("changes", flat=True))
    assert changes == [{"alias": [None, "shop"]}, {"alias": ["shop", None]}]


def test_update_without_change_records_nothing() -> None:
    company = factories.company()
    actions.update_company(Actor.system(), company, name=company.name)
    assert not AuditEntry.objects.filter(action="company.changed").exists()


def test_licences_grant_and_revoke_once() -> None:
    company = factories.company()
    assert actions.grant_licence(Actor.system(), company, "exact_online") is True
    assert actions.grant_licence(Actor.system(), company, "exact_online") is False
    assert Licence.objects.filter(company=company).count() == 1
    assert actions.revoke_licence(Actor.system(), company, "exact_online") is True
    assert actions.revoke_licence(Actor.system(), company, "exact_online") is False
    actions_logged = list(AuditEntry.objects.filter(company=company).order_by("id").values_list("action", flat=True))
    assert actions_logged == ["company.created", "licence.granted", "licence.revoked"]
    with pytest.raises(actions.TenancyError, match="Unknown module"):
        actions.grant_licence(Actor.system(), company, "payroll")


def test_passwords_are_argon2_and_never_audited() -> None:
    company = factories.company()
    person = factories.user(company, "admin", password="s3cret-pass-word")
    assert person.password.startswith("argon2$")
    actions.set_password(Actor.system(), person, "an0ther-pass-word")
    for entry in AuditEntry.objects.all():
        assert "s3cret-pass-word" not in str(entry.changes) and "an0ther-pass-word" not in str(entry.changes)
    assert AuditEntry.objects.filter(action="user.password_set").exists()


def test_user_names_are_unique_per_company_only() -> None:
    first = factories.company(1001, alias="one")
    second = factories.company(1002, alias="two")
    factories.user(first, "admin")
    factories.user(second, "admin")
    with pytest.raises(actions.TenancyError, match="already taken"):
        factories.user(first, "admin")


def test_operator_has_no_company_and_company_users_have_one() -> None:
    company = factories.company()
    with pytest.raises(actions.TenancyError, match="Operators belong to no company"):
        actions.create_user(Actor.system(), company, "op", factories.PASSWORD, role="operator")
    with pytest.raises(actions.TenancyError, match="Operators belong to no company"):
        actions.create_user(Actor.system(), None, "someone", factories.PASSWORD, role="admin")


def test_last_admin_cannot_be_demoted() -> None:
    company = factories.company()
    admin = factories.user(company, "admin")
    with pytest.raises(actions.TenancyError, match="at least one active admin"):
        actions.update_user(Actor.system(), admin, role="user")
    factories.user(company, "second", role="admin")
    actions.update_user(Actor.system(), admin, role="user")
    admin.refresh_from_db()
    assert admin.role == "user"
