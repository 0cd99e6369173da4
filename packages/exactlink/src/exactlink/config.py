"""Connection settings for one Exact Online site (region), as a frozen value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

REGIONS: dict[str, str] = {
    "nl": "https://start.exactonline.nl",
    "be": "https://start.exactonline.be",
    "de": "https://start.exactonline.de",
    "fr": "https://start.exactonline.fr",
    "es": "https://start.exactonline.es",
    "uk": "https://start.exactonline.co.uk",
    "us": "https://start.exactonline.com",
}

__version__ = "0.1.0"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExactConfig:
    """Where Exact lives and how to talk to it.

    An account lives on exactly one regional site; tokens from one site are useless on another.
    ``base_url`` overrides the region (a local sandbox, a recording proxy). ``transport`` replaces
    httpx's network transport (``httpx.MockTransport`` in tests). ``clock`` returns aware UTC time
    and is what token expiry and rate-limit waits are computed against.
    """

    region: str = "nl"
    base_url: str | None = None
    timeout: float = 30.0
    connect_timeout: float = 10.0
    user_agent: str = f"exactlink-python/{__version__}"
    transport: httpx.BaseTransport | None = field(default=None, compare=False)
    clock: Callable[[], datetime] = field(default=utc_now, compare=False)

    def __post_init__(self) -> None:
        if self.base_url is None and self.region not in REGIONS:
            raise ValueError(f"unknown Exact region {self.region!r}; one of {', '.join(REGIONS)}")
        if self.base_url is not None and not self.base_url.startswith(("https://", "http://")):
            raise ValueError("base_url must be an http(s) URL")

    @property
    def root(self) -> str:
        """The site's origin, without a trailing slash."""
        return (self.base_url or REGIONS[self.region]).rstrip("/")

    @property
    def api_root(self) -> str:
        return f"{self.root}/api/v1"

    @property
    def auth_url(self) -> str:
        return f"{self.root}/api/oauth2/auth"

    @property
    def token_url(self) -> str:
        return f"{self.root}/api/oauth2/token"

    def httpx_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout, connect=self.connect_timeout)

    def make_http_client(self) -> httpx.Client:
        return httpx.Client(
            transport=self.transport,
            timeout=self.httpx_timeout(),
            headers={"User-Agent": self.user_agent},
            follow_redirects=False,
        )
