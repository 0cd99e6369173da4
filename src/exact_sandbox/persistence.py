"""Keep a sandbox's state in a file, so that a demo survives a restart (``--state-file``; `make run` keeps it
under ``var/``). Apps, token chains, users and divisions with their data are kept; counters, faults, latency
and the clock are not (a restart begins them afresh, as a reset does). ``POST /_sandbox/reset`` empties it.

The file is a pickle written only by this process into the service's private ``var/`` (0600): a local demo's
convenience, never a way to exchange state. A file from another sandbox version is ignored.
"""

from __future__ import annotations

import copyreg
import io
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .backend import Backend

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger("exact_sandbox.persistence")
VERSION = 1
KEPT = ("users", "divisions", "apps", "tokens")


def read_only(values: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(values)


def _mapping_proxy(proxy: MappingProxyType[str, Any]) -> tuple[Any, tuple[dict[str, Any]]]:
    return read_only, (dict(proxy),)


# Stored entries point at their entity's read-only property table (schema.Table), which pickle cannot
# write by itself; this table of reducers is the state file's own, so no other pickling changes.
_REDUCERS = copyreg.dispatch_table.copy()
_REDUCERS[MappingProxyType] = _mapping_proxy


def _dumps(state: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(state)
    return buffer.getvalue()


def save(backend: Backend, path: Path) -> None:
    with backend.lock:
        data = _dumps({"version": VERSION, **{name: getattr(backend, name) for name in KEPT}})
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def load(backend: Backend, path: Path) -> bool:
    """Put the saved state into ``backend``; False (and the seed kept) when there is none or it is unusable."""
    if not path.exists():
        return False
    try:
        state: dict[str, Any] = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, see the docstring
    except Exception as exc:
        logger.warning("ignoring unreadable sandbox state file %s: %s", path, exc)
        return False
    if state.get("version") != VERSION:
        logger.warning("ignoring sandbox state file %s of another version", path)
        return False
    with backend.lock:
        for name in KEPT:
            setattr(backend, name, state[name])
        backend.generation += 1  # caches of the replaced state are stale
    return True


class Persisting:
    """WSGI wrapper: after every request that can change state (not GET/HEAD), save the state."""

    def __init__(self, app: WSGIApplication, backend: Backend, path: Path) -> None:
        self.app, self.backend, self.path = app, backend, path

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            try:
                save(self.backend, self.path)
            except Exception:
                # The request's change has happened; a state file that could not be written must not turn
                # its answer into a 500 (the client would think, for an entry, that it may not be stored).
                logger.exception("could not save the sandbox state to %s", self.path)
        return result
