import pytest

from ledgerlink.tenancy.aliases import InvalidAlias, validate_alias


@pytest.mark.parametrize("alias", ["demo", "testcompany", "shop-12", "a1b", "x" * 40, "123"])
def test_valid_aliases(alias: str) -> None:
    assert validate_alias(alias) == alias


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("ab", "3 to 40 characters"),
        ("x" * 41, "3 to 40 characters"),
        ("Demo", "lower case"),
        ("de mo", "only the letters"),
        (" demo", "spaces"),
        ("-demo", "may not start or end with a hyphen"),
        ("demo-", "may not start or end with a hyphen"),
        ("dé-mo", "only the letters"),
        ("de.mo", "only the letters"),
        ("xn--demo", "two hyphens"),
        ("www", "reserved"),
        ("api", "reserved"),
        ("admin", "reserved"),
        ("static", "reserved"),
    ],
)
def test_invalid_aliases_say_why(alias: str, message: str) -> None:
    with pytest.raises(InvalidAlias, match=message):
        validate_alias(alias)
