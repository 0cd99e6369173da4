"""Who this process is, and whether another process of this machine is still alive.

A claim (a refresh in flight, a journal being sent) records its process. A process on the same machine
and in the same PID namespace can be checked directly: if its PID is gone, so is the process. Elsewhere
nothing can be known, and the claim's age decides.
"""

from __future__ import annotations

import os
import socket


def _namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:
        return "-"


def identity() -> str:
    """``host:pid-namespace:pid``, computed each time (a forked child is another process)."""
    return f"{socket.gethostname()}:{_namespace()}:{os.getpid()}"


def alive(who: str) -> bool | None:
    """True/False for a process of this machine and PID namespace; None when it cannot be known here."""
    host, _, rest = who.partition(":")
    namespace, _, pid_text = rest.partition(":")
    if host != socket.gethostname() or namespace != _namespace() or namespace == "-" or not pid_text.isdigit():
        return None
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
