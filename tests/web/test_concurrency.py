"""Two clients at once against the real server (gunicorn, several worker processes): the checks
that read existing rows run inside the locked transaction, so no race saves what the rules
forbid, and exactly one of several deletes of one span succeeds."""

import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.test_processes import free_port

ANNOTATOR = [sys.executable, "-m", "annotator"]
# Ten sentences; each trial posts three stances over overlapping parts of one of them.
SENTENCES = [f"Sentence number {n} says the policy works well enough. " for n in range(10)]
TEXT = "".join(SENTENCES)
TRIALS = len(SENTENCES)


@pytest.fixture
def server(tmp_path: Path, database_url: str):
    """`annotator serve` with 3 workers of 4 threads on a database holding TEXT as 'race'."""
    corpus = tmp_path / "race.jsonl"
    corpus.write_text(json.dumps({"id": "race", "text": TEXT}) + "\n")
    cli = [*ANNOTATOR, "--db", database_url, "--user", "alice"]
    subprocess.run([*cli, "import", str(corpus)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "3", "--threads", "4"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/documents", timeout=2).close()
            break
        except OSError:
            assert process.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server did not answer within 30 s"
            time.sleep(0.2)
    yield port, cli
    process.terminate()
    process.wait(timeout=10)


def all_at_once(port: int, requests: list[tuple[str, str, dict | None]]) -> list[int]:
    """Send the requests from one thread each, released together; their status codes."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in requests]
    for connection in connections:
        connection.connect()
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(index: int) -> None:
        method, path, body = requests[index]
        payload = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"}
        barrier.wait()
        connections[index].request(method, path, body=payload, headers=headers)
        response = connections[index].getresponse()
        response.read()
        statuses[index] = response.status

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for connection in connections:
        connection.close()
    return statuses


def test_overlapping_stances_posted_at_once_save_only_one(server, tmp_path):
    port, cli = server
    for trial in range(TRIALS):
        start = TEXT.index(SENTENCES[trial])
        ranges = [(start, start + 30), (start + 10, start + 40), (start + 20, start + 50)]
        requests = [
            ("POST", "/api/documents/race/spans", {"start": s, "end": e, "label": label})
            for (s, e), label in zip(ranges, ("FAVOR", "AGAINST", "NEUTRAL"), strict=True)
        ]
        statuses = all_at_once(port, requests)
        assert sorted(statuses) == [201, 422, 422], f"trial {trial}: {statuses}"

    spans = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/documents/race"))
    assert len(spans["spans"]) == TRIALS
    exported = tmp_path / "export.jsonl"
    subprocess.run([*cli, "export", "--out", str(exported)], check=True, capture_output=True)
    fresh = [*ANNOTATOR, "--db", f"sqlite:///{tmp_path / 'again.sqlite3'}", "--user", "alice"]
    again = subprocess.run([*fresh, "import", str(exported)], capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr


def test_concurrent_deletes_of_one_span_one_succeeds(server):
    port, _cli = server
    for trial in range(5):
        start = TEXT.index(SENTENCES[trial])
        body = json.dumps({"start": start, "end": start + 8, "label": "CLAIM"}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/documents/race/spans",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        span_id = json.load(urllib.request.urlopen(request))["id"]
        statuses = all_at_once(port, [("DELETE", f"/api/spans/{span_id}", None)] * 4)
        assert sorted(statuses) == [200, 404, 404, 404], f"trial {trial}: {statuses}"
