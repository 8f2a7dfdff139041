"""Who holds the evaluator's lease, and whether that process is gone.

A holder names its process: `host:pid:start`, where `start` is when the process started (Linux's /proc start time,
so that a pid reused by a later process is not taken for the old holder). A lease held by a process of this host
that no longer runs can be taken over at once instead of when it expires: an evaluator killed mid-round (kill -9,
an out-of-memory kill) and restarted carries on without waiting out the lease. A holder on another host is only
ever taken over on expiry: from here, nothing tells whether it still runs.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def this_process() -> str:
    """The holder name of the running process."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start(pid) or '-'}"


def gone(holder: str) -> bool:
    """Whether `holder` names a process of this host that no longer runs (False when it cannot be told)."""
    rest = holder.split(":")
    if len(rest) < 3 or not rest[-2].isdigit():
        return False
    host = ":".join(rest[:-2])
    if host != socket.gethostname():
        return False
    pid, start = int(rest[-2]), rest[-1]
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process runs under this pid: it is ours only if it started then
        pass
    fields = _stat(pid)
    if fields is None:
        return False
    return fields[0] in ("Z", "X") or (start != "-" and fields[19] != start)  # a zombie is dead, only not reaped


def _start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22), or None off Linux."""
    fields = _stat(pid)
    return None if fields is None else fields[19]


def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields from the state on (field 3), or None off Linux or once the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the command name, in parentheses, may hold spaces
    return fields if len(fields) > 19 else None
