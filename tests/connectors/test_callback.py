import pytest
from django.test import override_settings

from ledgerlink.connectors.callback import difference, expected_callback_url, problems


@override_settings(LEDGERLINK_PUBLIC_SCHEME="https", LEDGERLINK_BASE_DOMAIN="retailvista.net")
def test_expected_callback_is_the_seed_path_on_the_alias_host() -> None:
    assert expected_callback_url("testcompany", 25) == "https://testcompany.retailvista.net/oauth.ashx?provider=25"
    assert (
        expected_callback_url("testcompany", 25, "443") == "https://testcompany.retailvista.net/oauth.ashx?provider=25"
    )
    assert expected_callback_url("t", 1, "8443") == "https://t.retailvista.net:8443/oauth.ashx?provider=1"


def test_difference_marks_where_they_part() -> None:
    diff = difference(
        "https://testbedrijf.retailvista.net/oauth.ashx?provider=25",
        "https://testcompany.retailvista.net/oauth.ashx?provider=25",
    )
    assert diff is not None
    assert diff.common == "https://test"
    assert diff.saved_rest.startswith("bedrijf") and diff.expected_rest.startswith("company")
    assert difference("same", "same") is None


@pytest.mark.parametrize(
    ("url", "flagged"),
    [
        ("https://demo.retailvista.net/oauth.ashx?provider=1", False),
        ("http://demo.localhost:8000/oauth.ashx?provider=1", False),
        ("http://127.0.0.1:8000/oauth.ashx?provider=1", False),
        ("http://demo.retailvista.net/oauth.ashx?provider=1", True),
        ("", True),
    ],
)
def test_problems_flag_what_exact_refuses(url: str, flagged: bool) -> None:
    assert bool(problems(url)) is flagged
