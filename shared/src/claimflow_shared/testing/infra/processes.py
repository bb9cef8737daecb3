"""Background processes that outlive the launcher: spawn, probe, stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on `host` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def spawn_detached(
    argv: Sequence[str], *, log_path: Path, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start `argv` in its own session with stdout and stderr appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )


def pid_alive(pid: int) -> bool:
    """Tell whether a process with this id exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def pid_command_line(pid: int) -> str | None:
    """Return the command line of `pid` joined by spaces, or None where /proc cannot tell."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def _reap(proc: subprocess.Popen[bytes] | None) -> None:
    """Collect the exit status of our own child so it does not linger as a zombie."""
    if proc is not None:
        proc.poll()


async def wait_exit(
    pid: int, *, within: float, proc: subprocess.Popen[bytes] | None = None
) -> bool:
    """Wait up to `within` seconds for `pid` to end; return whether it did."""
    deadline = time.monotonic() + within
    while True:
        _reap(proc)
        if not pid_alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.1)


def send_signal(pid: int, signum: signal.Signals) -> None:
    """Send `signum` to `pid`, ignoring a process that is already gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


async def terminate(
    pid: int,
    *,
    grace: float,
    proc: subprocess.Popen[bytes] | None = None,
    signum: signal.Signals = signal.SIGTERM,
) -> bool:
    """Stop `pid` with `signum`; SIGKILL it after `grace` s, returning False if that was needed."""
    send_signal(pid, signum)
    if await wait_exit(pid, within=grace, proc=proc):
        return True
    await kill(pid, proc=proc)
    return False


async def kill(pid: int, *, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Kill `pid` with SIGKILL and wait until it is gone."""
    send_signal(pid, signal.SIGKILL)
    if not await wait_exit(pid, within=30.0, proc=proc):
        raise RuntimeError(f"process {pid} survived SIGKILL for 30 s")


def log_tail(path: Path, *, lines: int = 40) -> str:
    """Return the last `lines` lines of a log file, or a note that it is missing."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
