import pytest

from ledgerlink.tenancy.hosts import HostKind, ResolvedHost, resolve_host

BARE = ResolvedHost(HostKind.BARE)
INVALID = ResolvedHost(HostKind.INVALID)


def alias(name: str) -> ResolvedHost:
    return ResolvedHost(HostKind.ALIAS, name)


@pytest.mark.parametrize(
    ("host", "base", "expected"),
    [
        ("retailvista.net", "retailvista.net", BARE),
        ("retailvista.net:443", "retailvista.net", BARE),
        ("RetailVista.NET", "retailvista.net", BARE),
        ("retailvista.net.", "retailvista.net", BARE),
        ("testcompany.retailvista.net", "retailvista.net", alias("testcompany")),
        ("testcompany.retailvista.net:8443", "retailvista.net", alias("testcompany")),
        ("TestCompany.retailvista.net", "retailvista.net", alias("testcompany")),
        ("demo.localhost:8000", "localhost", alias("demo")),
        ("localhost:8000", "localhost", BARE),
        ("a.b.retailvista.net", "retailvista.net", INVALID),
        ("evilretailvista.net", "retailvista.net", INVALID),
        ("retailvista.net.evil.com", "retailvista.net", INVALID),
        ("-bad.retailvista.net", "retailvista.net", INVALID),
        ("bad-.retailvista.net", "retailvista.net", INVALID),
        ("under_score.retailvista.net", "retailvista.net", INVALID),
        (".retailvista.net", "retailvista.net", INVALID),
        ("127.0.0.1:8000", "localhost", INVALID),
        ("[::1]:8000", "localhost", INVALID),
        ("demo.localhost:notaport", "localhost", INVALID),
        ("demo.localhost:70000", "localhost", INVALID),
        ("", "localhost", INVALID),
        ("demo.localhost", "", INVALID),
    ],
)
def test_resolve_host(host: str, base: str, expected: ResolvedHost) -> None:
    assert resolve_host(host, base) == expected
