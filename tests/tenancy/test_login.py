from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client, override_settings

from ledgerlink.tenancy.models import LoginHandoff
from tests import factories

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def two_companies():  # type: ignore[no-untyped-def]
    a = factories.company(1001, "Alpha BV", "alpha")
    b = factories.company(1002, "Beta BV", "beta")
    factories.user(a, "anna")
    factories.user(b, "bert")
    return a, b


def test_alias_host_asks_only_user_name_and_password(two_companies) -> None:  # type: ignore[no-untyped-def]
    page = Client(HTTP_HOST="alpha.localhost").get("/login").content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    assert "company_number" not in page
    # The sign-in page names no company: an address does not tell whose it is, or its number.
    assert "Alpha BV" not in page and "1001" not in page


def test_bare_domain_asks_company_number_too(two_companies) -> None:  # type: ignore[no-untyped-def]
    page = Client(HTTP_HOST="localhost").get("/login").content.decode()
    assert 'name="company_number"' in page and "Company number" in page


def test_login_on_alias_host(two_companies) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="alpha.localhost")
    response = client.post("/login", {"username": "anna", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_user_of_a_cannot_log_in_on_b_host(two_companies) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="beta.localhost")
    response = client.post("/login", {"username": "anna", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "User name or password is not right" in response.content.decode()
    assert client.get("/").status_code == 302  # still anonymous


def test_bare_domain_login_sends_the_user_to_the_alias_host(two_companies) -> None:  # type: ignore[no-untyped-def]
    bare = Client(HTTP_HOST="localhost:8000")
    response = bare.post("/login", {"company_number": 1001, "username": "anna", "password": factories.PASSWORD})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("http", "alpha.localhost:8000", "/login/handoff")
    assert "sessionid" not in bare.cookies or not bare.cookies["sessionid"].value  # no session on the bare domain

    alias_client = Client(HTTP_HOST="alpha.localhost:8000")
    landed = alias_client.get(target.path, parse_qs(target.query))
    assert landed.status_code == 302 and landed["Location"] == "/"
    assert alias_client.get("/").status_code == 200
    # The ticket is single-use.
    again = Client(HTTP_HOST="alpha.localhost:8000").get(target.path, parse_qs(target.query))
    assert again["Location"] == "/login"


def test_handoff_ticket_is_bound_to_the_company_host(two_companies) -> None:  # type: ignore[no-untyped-def]
    response = Client(HTTP_HOST="localhost").post(
        "/login", {"company_number": 1001, "username": "anna", "password": factories.PASSWORD}
    )
    query = parse_qs(urlsplit(response["Location"]).query)
    stolen = Client(HTTP_HOST="beta.localhost").get("/login/handoff", query)
    assert stolen["Location"] == "/login"
    assert LoginHandoff.objects.get().used_at is None


def test_handoff_ticket_expires(two_companies) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as traveller:
        response = Client(HTTP_HOST="localhost").post(
            "/login", {"company_number": 1001, "username": "anna", "password": factories.PASSWORD}
        )
        query = parse_qs(urlsplit(response["Location"]).query)
        traveller.shift(timedelta(seconds=61))
        assert Client(HTTP_HOST="alpha.localhost").get("/login/handoff", query)["Location"] == "/login"


def test_company_without_alias_works_on_the_bare_domain() -> None:
    company = factories.company(1003, "Gamma", alias=None)
    factories.user(company, "gina")
    client = Client(HTTP_HOST="localhost")
    response = client.post("/login", {"company_number": 1003, "username": "gina", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Gamma" in client.get("/").content.decode()


def test_operator_signs_in_on_the_bare_domain_only() -> None:
    factories.company(1001, alias="alpha")
    factories.user(None, "op")
    client = Client(HTTP_HOST="localhost")
    assert client.post("/login", {"username": "op", "password": factories.PASSWORD}).status_code == 302
    assert client.get("/companies/").status_code == 200
    on_alias = Client(HTTP_HOST="alpha.localhost")
    response = on_alias.post("/login", {"username": "op", "password": factories.PASSWORD})
    assert "User name or password is not right" in response.content.decode()


def _post(client: Client, password: str, username: str = "anna") -> int:
    return client.post("/login", {"username": username, "password": password}).status_code


def test_failing_address_waits_longer_after_each_failure(two_companies) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as traveller:
        client = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="203.0.113.7")
        for _ in range(5):
            assert _post(client, "wrong") == 200
        blocked = client.post("/login", {"username": "anna", "password": factories.PASSWORD})
        assert blocked.status_code == 429
        text = blocked.content.decode()
        # 09:01 UTC = 10:01 CET: one minute after the fifth failure.
        assert "Too many failed sign-ins" in text and "Try again after 10:01 (in 1 minute)" in text
        traveller.shift(timedelta(seconds=61))
        assert _post(client, "wrong") == 200  # the sixth failure: the next wait is two minutes
        traveller.shift(timedelta(seconds=119))
        assert _post(client, factories.PASSWORD) == 429  # waiting and trying again does not lengthen the wait
        traveller.shift(timedelta(seconds=2))
        assert _post(client, "wrong") == 200  # the seventh: four minutes
        traveller.shift(timedelta(minutes=3, seconds=59))
        assert _post(client, factories.PASSWORD) == 429
        traveller.shift(timedelta(seconds=2))
        assert _post(client, factories.PASSWORD) == 302


def test_wait_doubles_up_to_the_window() -> None:
    from ledgerlink.tenancy import throttle

    waits = [throttle.account_delay(failures) for failures in range(4, 12)]
    assert waits == [None] + [timedelta(minutes=m) for m in (1, 2, 4, 8, 15, 15, 15)]


def test_nobody_can_lock_the_rightful_user_out(two_companies) -> None:  # type: ignore[no-untyped-def]
    """Forty guesses from twenty addresses; the user's own machine, which has not failed, still gets in."""
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(20):
            guesser = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR=f"198.51.100.{n}")
            for _ in range(2):
                _post(guesser, "guess")
            traveller.shift(timedelta(seconds=1))
        assert _post(Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="192.0.2.10"), factories.PASSWORD) == 302
        # The guessers stay held back (the account's 40 failures make them wait the whole window), also
        # after the user signed in: a success forgives only the failures of the address that succeeded.
        assert _post(Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="198.51.100.19"), factories.PASSWORD) == 429


def test_a_typo_during_an_attack_costs_at_most_the_window(two_companies) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False) as traveller:
        guesser = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="198.51.100.1")
        user = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="192.0.2.10")
        for _ in range(8):
            _post(guesser, "guess")
        assert _post(user, "typo") == 200
        for _ in range(15):  # the guesser keeps trying every minute
            traveller.shift(timedelta(minutes=1))
            _post(guesser, "guess")
            if _post(user, factories.PASSWORD) == 302:
                break
        else:
            pytest.fail("the user waited longer than the window")


def test_throttle_per_account_does_not_block_other_accounts(two_companies) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False):
        client = Client(HTTP_HOST="alpha.localhost")
        for _ in range(5):
            client.post("/login", {"username": "anna", "password": "wrong"})
        factories.user(two_companies[0], "other")
        assert client.post("/login", {"username": "other", "password": factories.PASSWORD}).status_code == 302


@override_settings(LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS=3, LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT=100)
def test_failed_logins_are_throttled_per_address(two_companies) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False):
        client = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="203.0.113.7")
        for name in ("x1", "x2", "x3"):
            client.post("/login", {"username": name, "password": "wrong"})
        assert client.post("/login", {"username": "anna", "password": factories.PASSWORD}).status_code == 429
        elsewhere = Client(HTTP_HOST="alpha.localhost", REMOTE_ADDR="203.0.113.8")
        assert elsewhere.post("/login", {"username": "anna", "password": factories.PASSWORD}).status_code == 302


def test_session_cookie_is_host_only_httponly_lax(two_companies) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="alpha.localhost")
    client.post("/login", {"username": "anna", "password": factories.PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["domain"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]


@override_settings(SESSION_COOKIE_SECURE=True)
def test_session_cookie_is_secure_under_https(two_companies) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="alpha.localhost")
    client.post("/login", {"username": "anna", "password": factories.PASSWORD}, secure=True)
    assert client.cookies["sessionid"]["secure"] is True


def test_next_parameter_cannot_leave_the_site(two_companies) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="alpha.localhost")
    response = client.post("/login?next=https://evil.example/", {"username": "anna", "password": factories.PASSWORD})
    assert response["Location"] == "/"
    response = Client(HTTP_HOST="alpha.localhost").post(
        "/login?next=/companies/", {"username": "anna", "password": factories.PASSWORD}
    )
    assert response["Location"] == "/companies/"


def test_attempts_are_counted_before_the_password_is_checked() -> None:
    from ledgerlink.tenancy import throttle
    from ledgerlink.tenancy.models import LoginFailure

    with time_machine.travel(START, tick=False):
        # Five attempts in flight at once (none finished yet) use up the account's allowance.
        started = [throttle.begin_attempt("1001/anna", "198.51.100.9") for _ in range(5)]
        assert all(attempt is not None for attempt, _until in started)
        attempt, until = throttle.begin_attempt("1001/anna", "198.51.100.9")
        assert attempt is None and until == START + timedelta(minutes=1)
        assert LoginFailure.objects.count() == 5  # the refused attempt is not kept
        throttle.begin_attempt("1001/anna", "198.51.100.10")  # somebody else's failure stays
        throttle.succeeded("1001/anna", "198.51.100.9")
        assert list(LoginFailure.objects.values_list("address", flat=True)) == ["198.51.100.10"]


def _password_work(client: Client, data: dict[str, object]) -> tuple[int, str]:
    """How many Argon2 computations one sign-in costs, and the page's error text."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    calls = []
    real_encode, real_verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def encode(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("encode")
        return real_encode(self, *args, **kwargs)

    def verify(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("verify")
        return real_verify(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Argon2PasswordHasher, "encode", encode)
        patch.setattr(Argon2PasswordHasher, "verify", verify)
        response = client.post("/login", data)
    assert response.status_code == 200
    return len(calls), response.content.decode().split('class="alert"')[-1].split("</div>")[0]


def test_unknown_company_number_costs_a_password_check_like_a_known_one(two_companies) -> None:  # type: ignore[no-untyped-def]
    bare = Client(HTTP_HOST="localhost")
    known_wrong_password = _password_work(bare, {"company_number": 1001, "username": "anna", "password": "nope-nope"})
    known_unknown_user = _password_work(bare, {"company_number": 1001, "username": "ghost", "password": "nope-nope"})
    unknown_company = _password_work(bare, {"company_number": 4711, "username": "anna", "password": "nope-nope"})
    unknown_operator = _password_work(bare, {"username": "ghost", "password": "nope-nope"})
    answers = {known_wrong_password, known_unknown_user, unknown_company, unknown_operator}
    assert len(answers) == 1, answers  # the same work and the same words, whatever exists
    assert answers.pop()[0] == 1


def test_unknown_company_number_takes_as_long_as_a_known_one(two_companies) -> None:  # type: ignore[no-untyped-def]
    """Measured, with a wide margin: before, an unknown number answered 20 times faster."""
    import time

    def fastest(number: int) -> float:
        times = []
        for n in range(5):
            client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"192.0.2.{number % 200}{n}")
            started = time.perf_counter()
            client.post("/login", {"company_number": number, "username": "anna", "password": "nope-nope"})
            times.append(time.perf_counter() - started)
        return min(times)

    known, unknown = fastest(1001), fastest(4711)
    assert unknown > known / 3, (known, unknown)


def test_handoff_ticket_is_stored_hashed(two_companies) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    response = Client(HTTP_HOST="localhost").post(
        "/login", {"company_number": 1001, "username": "anna", "password": factories.PASSWORD}
    )
    (ticket,) = parse_qs(urlsplit(response["Location"]).query)["ticket"]
    stored = LoginHandoff.objects.values().get()
    assert ticket not in str(stored)
    assert stored["nonce_hash"] == hashlib.sha256(ticket.encode()).hexdigest()
    # Knowing the stored hash does not sign anybody in; the ticket does.
    assert Client(HTTP_HOST="alpha.localhost").get("/login/handoff", {"ticket": stored["nonce_hash"]})["Location"] == (
        "/login"
    )
    assert Client(HTTP_HOST="alpha.localhost").get("/login/handoff", {"ticket": ticket})["Location"] == "/"


@pytest.mark.parametrize(
    ("origin", "trusted"),
    [
        ("http://alpha.localhost", True),  # the request's own host
        ("http://localhost", True),  # the bare domain
        ("http://beta.localhost", False),  # another company's host
        ("http://evil.example", False),
    ],
)
def test_csrf_trusts_the_own_host_and_the_bare_domain_only(two_companies, origin: str, trusted: bool) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)
    client.get("/login")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login", {"username": "anna", "password": "wrong", "csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin
    )
    assert (response.status_code != 403) is trusted
