"""Who owns a running pipeline run, and whether that owner is still alive.

An owner is ``host:pid:start``, where `start` is the process's start time in clock ticks since
boot (Linux ``/proc``), so a recycled pid is not mistaken for the original process. Liveness is
only knowable on the owner's own host; elsewhere it is unknown (None) and the caller decides.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Owner:
    host: str
    pid: int
    start: str = ""  # start ticks from /proc/<pid>/stat; empty where /proc is missing

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}"

    @classmethod
    def parse(cls, text: object) -> Owner | None:
        """Read an owner written by `str`; anything else (NULL, garbage) gives None."""
        if not isinstance(text, str):
            return None
        host, _, rest = text.rpartition(":")
        host, _, pid = host.rpartition(":")
        if not host or not pid.isdigit():
            return None
        return cls(host, int(pid), rest)


def this_process() -> Owner:
    """Return the owner this process writes on the runs it starts."""
    pid = os.getpid()
    return Owner(socket.gethostname(), pid, _start_ticks(pid))


def is_alive(owner: Owner) -> bool | None:
    """Return whether `owner` still runs: None when it lives on another host."""
    if owner.host != socket.gethostname():
        return None
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    return not owner.start or _start_ticks(owner.pid) == owner.start


def _start_ticks(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: split after its last ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""
