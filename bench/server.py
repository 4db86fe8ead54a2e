"""The real server for the benchmarks, the load run and the fault tests: `rkc serve` (gunicorn).

`start()` runs `rkc serve --host 127.0.0.1 --port <free port> --workers N` in a process group
of its own, configured only through the environment (`RKC_DATABASE_URL`, `RKC_INDEX_DIR`,
`RKC_SECRET_KEY`), exactly as an operator would, and waits until `/healthz` answers 200.
Everything listens on loopback only. `Server.stop()` asks gunicorn to stop (SIGTERM, then
SIGKILL after a grace period); `Server.kill()` is the fault: SIGKILL to the master and every
worker at once. Both end only the processes of this group.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"

#: How `rkc serve` is started: the console script's own entry point, with this interpreter.
RKC = [sys.executable, "-c", "from rkc.cli import main; main()"]


class ServerError(RuntimeError):
    """The server did not start (the message ends with the tail of its log)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, index_dir: Path, **extra: str) -> dict[str, str]:
    """The environment `rkc serve` reads its configuration from (RKC_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RKC_")}
    env.update(
        {
            "RKC_DATABASE_URL": database_url,
            "RKC_INDEX_DIR": str(index_dir),
            "RKC_SECRET_KEY": "bench-secret-key-not-for-production",
            "RKC_RATELIMIT_ENABLED": "false",  # load runs come from one address
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


@dataclass
class Server:
    """A running `rkc serve`: its master process, address and log."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    workers: int
    started_at: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process.poll() is None

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the children of the master process."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.pid:
                children.append(int(entry.name))
        return sorted(children)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace: float = 15.0) -> None:
        """Stop gunicorn gracefully; SIGKILL what is left after `grace` seconds."""
        if self.is_running():
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        self._kill_group()

    def kill(self) -> None:
        """The fault: SIGKILL the master and its workers at the same instant."""
        self._kill_group()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        # Workers are reaped by init once their master is gone; wait until they are.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group_alive(self.process.pid):
            time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Zombies still count for killpg: look for live members.
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            return True
    return False


def start(
    env: dict[str, str],
    log_path: Path,
    *,
    workers: int = 2,
    port: int | None = None,
    timeout: float = 60.0,
) -> Server:
    """Start `rkc serve` and wait until `/healthz` answers 200 (or raise ServerError)."""
    port = port or free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    try:
        process = subprocess.Popen(
            [*RKC, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        log.close()
    server = Server(process, port, log_path, workers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.is_running():
            raise ServerError(f"rkc serve exited with {process.returncode}:\n{server.log_tail()}")
        if health(server.url) == 200 and len(server.worker_pids()) >= workers:
            return server
        time.sleep(0.1)
    server.stop()
    raise ServerError(f"rkc serve did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def health(url: str, timeout: float = 5.0) -> int | None:
    """The status of GET /healthz, or None when nothing answers."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (VmRSS in /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ValueError(f"no VmRSS for process {pid}")
