import os
import socket
import sys
import time
from pathlib import Path

from claimflow_shared.testing.infra import processes

IGNORES_SIGTERM = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(600)\n"
)


def wait_for_line(path: Path, text: str) -> None:
    """Block until `text` appears in the file at `path`."""
    while text not in (path.read_text() if path.exists() else ""):
        time.sleep(0.05)


class TestSpawnDetached:
    async def test_runs_in_its_own_session_with_output_in_the_log(self, tmp_path: Path) -> None:
        log = tmp_path / "out.log"
        proc = processes.spawn_detached(
            [sys.executable, "-c", "import os; print('session', os.getsid(0))"],
            log_path=log,
            cwd=tmp_path,
        )

        assert await processes.wait_exit(proc.pid, within=30.0, proc=proc)
        assert log.read_text() == f"session {proc.pid}\n"
        assert proc.pid != os.getsid(0)

    async def test_appends_to_an_existing_log(self, tmp_path: Path) -> None:
        log = tmp_path / "out.log"
        log.write_text("earlier run\n")
        proc = processes.spawn_detached(
            [sys.executable, "-c", "print('later run')"], log_path=log, cwd=tmp_path
        )

        await processes.wait_exit(proc.pid, within=30.0, proc=proc)

        assert log.read_text() == "earlier run\nlater run\n"


class TestTerminate:
    async def test_sigterm_ends_a_cooperative_process(self, tmp_path: Path) -> None:
        proc = processes.spawn_detached(
            [sys.executable, "-c", "import time; time.sleep(600)"],
            log_path=tmp_path / "log",
            cwd=tmp_path,
        )

        assert await processes.terminate(proc.pid, grace=30.0, proc=proc) is True
        assert not processes.pid_alive(proc.pid)

    async def test_sigkill_follows_when_sigterm_is_ignored(self, tmp_path: Path) -> None:
        log = tmp_path / "log"
        proc = processes.spawn_detached(
            [sys.executable, "-c", IGNORES_SIGTERM], log_path=log, cwd=tmp_path
        )
        wait_for_line(log, "ready")

        assert await processes.terminate(proc.pid, grace=0.5, proc=proc) is False
        assert not processes.pid_alive(proc.pid)
        assert proc.returncode == -9


class TestHelpers:
    def test_free_port_can_be_bound(self) -> None:
        port = processes.free_port()

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))

    def test_command_line_of_this_process_names_python(self) -> None:
        command = processes.pid_command_line(os.getpid())

        assert command is not None
        assert "python" in command

    def test_log_tail_returns_the_last_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "log"
        path.write_text("".join(f"line {n}\n" for n in range(100)))

        assert processes.log_tail(path, lines=2) == "line 98\nline 99"
        assert "no log" in processes.log_tail(tmp_path / "missing")
