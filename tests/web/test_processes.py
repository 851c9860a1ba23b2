"""The CLI as a user runs it: a real WSGI server, and a progress bar only on a terminal."""

import os
import pty
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ANNOTATOR = [sys.executable, "-m", "annotator"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stderr_on_a_terminal(command: list[str]) -> bytes:
    """Run command with stderr on a pseudo-terminal; what it printed there."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert process.wait(timeout=30) == 0
    return seen


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(5):
        (folder / f"a{number}.txt").write_text(f"Article {number}.")
    return folder


def test_serve_runs_gunicorn_on_loopback(tmp_path):
    port = free_port()
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    server = subprocess.Popen(
        [
            *ANNOTATOR,
            "--db",
            url,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    server_header = response.headers["Server"]
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "server did not answer within 30 s"
                time.sleep(0.2)
        assert server_header == "gunicorn"  # not Werkzeug's debug server
        assert "0 / 3 finished" in body  # seeds imported on first start
    finally:
        took = stop(server)
    assert took < 10


def stop(server: subprocess.Popen, timeout: float = 10) -> float:
    """Stop a server as a service manager does (SIGTERM); seconds it took. Killed, and its
    pipe closed, however it went, so a slow stop cannot leave it running for the next test."""
    started = time.monotonic()
    server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass  # the caller's assertion on the time says so
    finally:
        took = time.monotonic() - started
        server.kill()
        server.wait()
        server.stdout.close()
    return took


# `annotator serve` with its second worker slow to boot (as on a loaded machine): a SIGTERM can
# reach that worker before gunicorn has installed the worker's own signal handlers.
SLOW_SECOND_WORKER = """
import sys, time
from annotator.cli import serve
from annotator.cli.main import main

load_config = serve._Gunicorn.load_config

def slow_load_config(self):
    load_config(self)
    post_fork = self.cfg.post_fork
    def slow_post_fork(server, worker):
        post_fork(server, worker)
        if worker.age == 2:
            time.sleep(2)
    self.cfg.set("post_fork", slow_post_fork)

serve._Gunicorn.load_config = slow_load_config
sys.argv[0] = "annotator"
main()
"""


def test_stopping_the_server_while_a_worker_boots_ends_it_at_once(tmp_path):
    # The booting worker lost the SIGTERM and served on until gunicorn's graceful timeout
    # killed it 30 s later: a flaky test in CI, and a hang for anyone stopping the service.
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SLOW_SECOND_WORKER, "--db", f"sqlite:///{tmp_path / 's.sqlite3'}"]
        + ["serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # the first worker answers while the second still boots
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "server did not answer within 30 s"
                time.sleep(0.1)
    finally:
        took = stop(server, timeout=20)
    assert took < 10


def test_progress_bar_on_a_terminal_only(tmp_path, corpus):
    command = [*ANNOTATOR, "--db", f"sqlite:///{tmp_path / 'a.sqlite3'}", "import", str(corpus)]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Importing" not in piped.stderr + piped.stdout
    assert "imported 5 documents" in piped.stdout

    command[4] = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    seen = stderr_on_a_terminal(command)
    assert b"Importing" in seen and b"100%" in seen


def test_export_progress_bar_on_a_terminal_only(tmp_path, corpus):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    subprocess.run(
        [*ANNOTATOR, "--db", url, "import", str(corpus)], capture_output=True, check=True
    )
    command = [*ANNOTATOR, "--db", url, "export", "--out", str(tmp_path / "out.jsonl")]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Exporting" not in piped.stderr + piped.stdout
    seen = stderr_on_a_terminal(command)
    assert b"Exporting" in seen and b"100%" in seen
