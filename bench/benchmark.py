"""Speed and memory figures for annotator, printed as one JSON object on stdout.

Run with `.venv/bin/python bench/benchmark.py` (or `make bench`). Everything happens in a
temporary directory that is deleted at the end; all traffic goes to 127.0.0.1. Progress lines
go to stderr. See bench/README.md for what each figure means.
"""

import argparse
import http.client
import json
import math
import multiprocessing
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_USER = "bench"
SEED = 20240611
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

TARGETS = {
    "import_s": 2.0,
    "export_s": 2.0,
    "single_p50_ms": 2.0,
    "concurrent_spans_per_s": 1000.0,
    "concurrent_p99_ms": 20.0,
    "server_memory_mb": 300.0,
    "long_render_ms": 100.0,
    "interactive_ms": 300.0,
}

_T0 = time.perf_counter()


class BenchError(RuntimeError):
    """A check the benchmark makes failed; the figures are not to be trusted."""


def log(message: str) -> None:
    """A progress line on stderr, with the seconds since the start."""
    print(f"[bench {time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of values (p in 0..100)."""
    ordered = sorted(values)
    index = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[index]


def latency_summary(seconds: list[float]) -> dict:
    """p50/p95/p99/max of latencies given in seconds, in milliseconds."""
    if not seconds:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 3),
        "p95_ms": round(percentile(seconds, 95) * 1000, 3),
        "p99_ms": round(percentile(seconds, 99) * 1000, 3),
        "max_ms": round(max(seconds) * 1000, 3),
    }


# --- corpus ------------------------------------------------------------------------------------

FILLER = (
    "the government said on officials spokesman according to report announced new plan "
    "budget ministry council vote parliament election campaign economy inflation rates market "
    "prices workers union strike talks agreement deal leaders meeting summit policy reform "
    "tax energy climate water health hospital schools police court ruling judge appeal case "
    "investigation company shares profit losses growth forecast bank central quarter year "
    "analysts expect rise fall sharp slight despite amid after before during while however "
    "critics supporters residents city region national local international foreign security "
    "defence military troops border refugees aid crisis talks ceasefire protest demonstrators "
    "thousands hundreds million billion percent figures data survey poll results voters "
    "opposition coalition minister president prime chancellor mayor governor senator "
    "café régime façade naïve déjà coöperation rôle élite piñata über "
    "government’s didn’t won’t country’s mayor’s"
).split()

ENTITIES = {
    "PERSON": [
        "José Álvarez",
        "Zoë Brontë",
        "Chloé Dubois",
        "Søren Lindqvist",
        "Łukasz Nowak",
        "Nguyễn Văn An",
        "Björn Ström",
        "María Pérez",
        "John Carter",
        "Emily Zhang",
        "Ahmed Khan",
        "Olga Ivanova",
    ],
    "ORG": [
        "Nestlé",
        "Société Générale",
        "Reuters",
        "World Health Organization",
        "Électricité de France",
        "Siemens",
        "Petrobras",
        "United Nations",
        "European Commission",
        "Ministry of Finance",
    ],
    "GPE": [
        "Zürich",
        "São Paulo",
        "Bogotá",
        "Kraków",
        "Reykjavík",
        "Québec",
        "Berlin",
        "Nairobi",
        "Türkiye",
        "Côte d’Ivoire",
        "Jakarta",
        "Texas",
    ],
    "NORP": [
        "French",
        "Brazilian",
        "Québécois",
        "Catholics",
        "Republicans",
        "Kenyan",
        "Norwegian",
        "Social Democrats",
    ],
    "LOC": [
        "Alps",
        "Amazon basin",
        "Río de la Plata",
        "Mont Blanc",
        "Lake Geneva",
        "Sahel",
        "Baltic Sea",
        "Andes",
    ],
    "DATE": [
        "last week",
        "March 3",
        "1 février",
        "the 1990s",
        "Monday",
        "next year",
        "2024",
        "early spring",
    ],
    "EVENT": [
        "World Cup",
        "Paris Olympics",
        "COP29",
        "Brexit referendum",
        "Fête de la Musique",
        "G20 summit",
        "Hurricane Beryl",
        "Carnaval",
    ],
}
ENTITY_LABELS = tuple(ENTITIES)
STANCE_LABELS = ("FAVOR", "AGAINST", "NEUTRAL")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
EMOJI = ("📈", "🌍", "🙂", "⚽", "🗳️", "💶")


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int
    words: list[tuple[int, int]]
    mentions: list[tuple[int, int, str]]


@dataclass
class Article:
    id: str
    title: str
    text: str
    sentences: list[Sentence]
    paragraph_count: int
    spans: list[dict] = field(default_factory=list)


def _sentence(rng: random.Random, mention_range: tuple[int, int]) -> tuple[str, list, list]:
    """One sentence: its text, word ranges and entity mentions (offsets relative to it)."""
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    mentions: list[tuple[int, int, str]] = []
    position = 0

    def add(token: str, *, space: bool = True, label: str | None = None) -> None:
        nonlocal position
        if space and parts:
            parts.append(" ")
            position += 1
        parts.append(token)
        words.append((position, position + len(token)))
        if label:
            mentions.append((position, position + len(token), label))
        position += len(token)

    def punct(token: str) -> None:
        nonlocal position
        parts.append(token)
        position += len(token)

    quoted = rng.random() < 0.15
    if quoted:
        punct("“")
    count = rng.randint(8, 20)
    mention_slots = set(rng.sample(range(count), rng.randint(*mention_range)))
    for index in range(count):
        if index in mention_slots:
            label = rng.choice(ENTITY_LABELS)
            add(rng.choice(ENTITIES[label]), space=index > 0 or not quoted, label=label)
        else:
            word = rng.choice(FILLER)
            if index == 0:
                word = word[0].upper() + word[1:]
            add(word, space=index > 0 or not quoted)
        if index not in (0, count - 1) and rng.random() < 0.08:
            punct(",")
    if quoted:
        punct(",” said")
        add(rng.choice(ENTITIES["PERSON"]), label="PERSON")
    punct(".")
    if rng.random() < 0.04:
        punct(" " + rng.choice(EMOJI))
    return "".join(parts), words, mentions


def make_article(
    rng: random.Random,
    article_id: str,
    target_chars: int,
    mention_range: tuple[int, int],
    min_mentions: int,
) -> Article:
    """An article of about target_chars code points: paragraphs split by a blank line."""
    pieces: list[str] = []
    sentences: list[Sentence] = []
    position = 0
    paragraph = 0
    mention_count = 0
    while position < target_chars or mention_count < min_mentions:
        assert paragraph < 10_000, "article generation does not converge"
        if paragraph:
            pieces.append("\n\n")
            position += 2
        for number in range(rng.randint(2, 5)):
            if number:
                pieces.append(" ")
                position += 1
            text, words, mentions = _sentence(rng, mention_range)
            sentences.append(
                Sentence(
                    position,
                    position + len(text),
                    paragraph,
                    [(position + s, position + e) for s, e in words],
                    [(position + s, position + e, label) for s, e, label in mentions],
                )
            )
            mention_count += len(mentions)
            pieces.append(text)
            position += len(text)
        paragraph += 1
    text = "".join(pieces)
    place = rng.choice(ENTITIES["GPE"])
    title = f"{place}: {' '.join(rng.choice(FILLER) for _ in range(rng.randint(4, 8)))}"
    return Article(article_id, title, text, sentences, paragraph)


def _span(article: Article, start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label, "text": article.text[start:end]}


def check_layers(article: Article) -> None:
    """Assert the spans are valid under the default schema (the importer checks it too)."""
    seen = set()
    for layer in (set(ENTITY_LABELS), set(STANCE_LABELS)):
        ranges = sorted((s["start"], s["end"]) for s in article.spans if s["label"] in layer)
        for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
            assert end <= start, f"{article.id}: overlapping spans in one layer"
    for span in article.spans:
        key = (span["start"], span["end"], span["label"])
        assert key not in seen, f"{article.id}: duplicate span {key}"
        assert 0 <= span["start"] < span["end"] <= len(article.text)
        seen.add(key)


def corpus_article(rng: random.Random, index: int) -> tuple[Article, list[dict]]:
    """A ~4,000-character article with 20 spans, and 5 new spans the API may add to it.

    Spans: 12 entities (distinct mentions), 3 stance sentences, 5 claim sentences. The API
    plan: 3 claims over word ranges no claim covers yet and 2 entities on unused mentions.
    """
    article = make_article(rng, f"art-{index:05d}", 3900, (1, 2), 16)
    mentions = [m for sentence in article.sentences for m in sentence.mentions]
    chosen = rng.sample(range(len(mentions)), 14)
    for start, end, label in (mentions[i] for i in chosen[:12]):
        article.spans.append(_span(article, start, end, label))
    picked = rng.sample(article.sentences, 8)
    for sentence in picked[:3]:
        label = rng.choice(STANCE_LABELS)
        article.spans.append(_span(article, sentence.start, sentence.end, label))
    claims = {(s.start, s.end) for s in picked[3:]}
    for start, end in sorted(claims):
        article.spans.append(_span(article, start, end, "CLAIM"))
    check_layers(article)
    plan = []
    for _ in range(1000):
        if len(plan) == 3:
            break
        sentence = rng.choice(article.sentences)
        first = rng.randrange(len(sentence.words) - 1)
        last = rng.randrange(first + 1, len(sentence.words))
        wanted = (sentence.words[first][0], sentence.words[last][1])
        if wanted not in claims:
            claims.add(wanted)
            plan.append({"start": wanted[0], "end": wanted[1], "label": "CLAIM"})
    assert len(plan) == 3, f"{article.id}: no room for new claims"
    for start, end, label in (mentions[i] for i in chosen[12:]):
        plan.append({"start": start, "end": end, "label": label})
    return article, plan


def long_article(rng: random.Random) -> tuple[Article, dict]:
    """A 100,000-character article with 2,000 nested spans.

    200 stance passages of 1-3 sentences (every fourth one crossing a paragraph break),
    400 claim sentences (mostly inside stance passages), 1,400 entities (mostly inside claims).
    """
    article = make_article(rng, "long-article", 99_000, (1, 3), 1500)
    sentences = article.sentences
    slot = len(sentences) // 200
    assert slot >= 4, "long article too short for 200 stance passages"
    stance_sentences: set[int] = set()
    crossing = 0
    for k in range(200):
        base = k * slot
        length = rng.randint(1, 3)
        first = base + rng.randrange(slot - length + 1)
        if k % 4 == 0:
            ends = [
                i
                for i in range(base, base + slot - 1)
                if sentences[i].paragraph != sentences[i + 1].paragraph
            ]
            if ends:
                first, length = ends[0], 2
        last = first + length - 1
        crossing += sentences[first].paragraph != sentences[last].paragraph
        stance_sentences.update(range(first, last + 1))
        start, end = sentences[first].start, sentences[last].end
        article.spans.append(_span(article, start, end, rng.choice(STANCE_LABELS)))
    inside = sorted(stance_sentences)
    outside = [i for i in range(len(sentences)) if i not in stance_sentences]
    claim_ids = set(rng.sample(inside, min(300, len(inside))))
    claim_ids.update(rng.sample(outside, 400 - len(claim_ids)))
    for i in sorted(claim_ids):
        article.spans.append(_span(article, sentences[i].start, sentences[i].end, "CLAIM"))
    in_claims = [m for i in sorted(claim_ids) for m in sentences[i].mentions]
    others = [m for i in range(len(sentences)) if i not in claim_ids for m in sentences[i].mentions]
    entities = rng.sample(in_claims, min(1000, len(in_claims)))
    entities += rng.sample(others, 1400 - len(entities))
    for start, end, label in sorted(entities):
        article.spans.append(_span(article, start, end, label))
    check_layers(article)
    assert len(article.spans) == 2000
    facts = {
        "chars": len(article.text),
        "paragraphs": article.paragraph_count,
        "spans": len(article.spans),
        "stance_spans": 200,
        "stance_crossing_paragraphs": crossing,
        "claim_spans": 400,
        "entity_spans": 1400,
        "entities_inside_claims": len(set(entities) & set(in_claims)),
    }
    return article, facts


def record_of(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "annotator": BENCH_USER,
        "status": "in_progress",
        "spans": article.spans,
    }


def write_corpus(path: Path, articles: int) -> tuple[dict, list[list[dict]]]:
    """Write the JSONL corpus; return its facts and the API plan per article."""
    rng = random.Random(SEED)
    plans = []
    chars = []
    non_ascii = astral = spans = 0
    with path.open("w", encoding="utf-8") as stream:
        for index in range(articles):
            article, plan = corpus_article(rng, index)
            plans.append(plan)
            chars.append(len(article.text))
            spans += len(article.spans)
            non_ascii += len(_NON_ASCII.findall(article.text))
            astral += len(_ASTRAL.findall(article.text))
            stream.write(json.dumps(record_of(article), ensure_ascii=False))
            stream.write("\n")
    facts = {
        "articles": articles,
        "spans": spans,
        "chars_mean": round(statistics.fmean(chars)),
        "chars_min": min(chars),
        "chars_max": max(chars),
        "non_ascii_chars": non_ascii,
        "astral_chars": astral,
        "bytes": path.stat().st_size,
    }
    return facts, plans


# --- processes ---------------------------------------------------------------------------------


def annotator_command() -> list[str]:
    """The installed `annotator` console script next to this interpreter."""
    script = Path(sys.executable).parent / "annotator"
    return [str(script)] if script.exists() else [sys.executable, "-m", "annotator"]


def child_env() -> dict:
    env = dict(os.environ)
    env["ANNOTATOR_USER"] = BENCH_USER
    env.pop("ANNOTATOR_DATABASE_URL", None)
    return env


def run_cli(args: list[str], timeout: float) -> tuple[float, str]:
    """Run `annotator ARGS`; return its wall time and stdout. Fails on a non-zero exit."""
    command = annotator_command() + args
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=child_env(), timeout=timeout, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, done.stdout


def db_counts(db_path: Path) -> dict:
    with sqlite3.connect(db_path) as connection:
        documents = connection.execute("SELECT count(*) FROM document").fetchone()[0]
        spans = connection.execute("SELECT count(*) FROM span").fetchone()[0]
    connection.close()
    return {"documents": documents, "spans": spans}


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (the server's gunicorn workers)."""
    pids = [pid]
    for current in pids:
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split()
            pids.extend(int(child) for child in children)
    return pids


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU seconds the process and its descendants have used so far."""
    total = 0
    for member in process_tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """The server's CPU time and the machine's CPU use over one phase."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.server = cpu_seconds_of(pid)
        self.machine = machine_cpu()

    def figures(self, requests: int) -> dict:
        server = cpu_seconds_of(self.pid) - self.server
        busy, total = (now - then for now, then in zip(machine_cpu(), self.machine, strict=True))
        return {
            "server_cpu_s": round(server, 2),
            "server_cpu_ms_per_request": round(server * 1000 / max(requests, 1), 3),
            "machine_cpu_busy_pct": round(100 * busy / max(total, 1), 1),
        }


def memory_of(pid: int) -> dict:
    """Memory of the server's whole process tree (master and workers), in MB.

    vmhwm_mb sums each process's peak resident memory (an upper bound: pages the workers share
    with the master count once per process); pss_mb is the proportional set size now (shared
    pages split between the processes that share them).
    """
    figures = {"processes": 0, "vmhwm_mb": 0.0, "vmrss_mb": 0.0, "pss_mb": 0.0}
    for member in process_tree(pid):
        figures["processes"] += 1
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                figures[key.lower() + "_mb"] += int(value.split()[0]) / 1024
        for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                figures["pss_mb"] += int(line.split()[1]) / 1024
    return {key: round(value, 1) for key, value in figures.items()}


class Server:
    """`annotator serve` in a subprocess, logging to a file."""

    def __init__(
        self, db_url: str, workdir: Path, command: list[str] | None = None, **popen
    ) -> None:
        """command: how to run annotator (default: annotator_command()); popen: e.g. the cwd
        and env of another checkout (bench/compare_span_api.py)."""
        self.port = free_port()
        self.log_path = workdir / "server.log"
        self._log = self.log_path.open("w")
        command = (command or annotator_command()) + [
            "--db",
            db_url,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.started = time.perf_counter()
        popen.setdefault("env", child_env())
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, **popen
        )

    def wait_ready(self, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/static/annotator.css")
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise BenchError(f"server did not answer within {timeout} s")

    def memory(self) -> dict:
        return memory_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def warnings(self) -> dict:
        text = self.log_path.read_text(errors="replace")
        return {
            "task_queue_depth_warnings": text.count("Task queue depth"),
            "tracebacks": text.count("Traceback"),
        }


# --- HTTP clients ------------------------------------------------------------------------------

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def requests_of(plans: list[list[dict]], first_doc: int) -> list[tuple[str, bytes, dict]]:
    """(path, body, expected) for every planned span of the articles from first_doc on."""
    out = []
    for index in range(first_doc, len(plans)):
        for wanted in plans[index]:
            body = json.dumps({k: wanted[k] for k in ("start", "end", "label")}).encode()
            out.append((f"/api/documents/art-{index:05d}/spans", body, wanted))
    return out


def post_spans(
    connection: http.client.HTTPConnection,
    requests: list[tuple[str, bytes, dict]],
    stop_at: float,
) -> tuple[list[float], list[str]]:
    """POST each span; return latencies (s) and failure descriptions. Stops at stop_at."""
    latencies: list[float] = []
    failures: list[str] = []
    for path, body, wanted in requests:
        started = time.perf_counter()
        connection.request("POST", path, body, JSON_HEADERS)
        response = connection.getresponse()
        data = response.read()
        finished = time.perf_counter()
        latencies.append(finished - started)
        ok = response.status == 201
        if ok:
            answer = json.loads(data)
            ok = (answer["start"], answer["end"], answer["label"]) == (
                wanted["start"],
                wanted["end"],
                wanted["label"],
            )
        if not ok and len(failures) < 5:
            failures.append(f"{path} {body.decode()} -> {response.status} {data[:300]!r}")
        elif not ok:
            failures.append("...")
        if finished > stop_at:
            break
    return latencies, failures


def _client_worker(port, requests, barrier, results, budget_s):
    """One of the concurrent clients: its own process and keep-alive connection."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.connect()
        barrier.wait(timeout=60)
        started = time.perf_counter()
        latencies, failures = post_spans(connection, requests, started + budget_s)
        finished = time.perf_counter()
        connection.close()
        results.put(
            {"start": started, "end": finished, "latencies": latencies, "failures": failures}
        )
    except BaseException as error:  # report, never hang the parent
        results.put({"error": repr(error)})


def bench_single(port: int, requests: list, warmup: int, budget_s: float) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()
    _, failures = post_spans(connection, requests[:warmup], time.perf_counter() + budget_s)
    expect(not failures, f"warm-up span creation failed: {failures}")
    measured = requests[warmup:]
    started = time.perf_counter()
    latencies, failures = post_spans(connection, measured, started + budget_s)
    wall = time.perf_counter() - started
    connection.close()
    expect(not failures, f"span creation failed: {failures}")
    return {
        "clients": 1,
        "warmup_requests": warmup,
        "requests": len(latencies),
        "planned_requests": len(measured),
        "truncated_by_time_budget": len(latencies) < len(measured),
        "wall_s": round(wall, 3),
        "spans_per_s": round(len(latencies) / wall, 1),
        **latency_summary(latencies),
    }


def bench_concurrent(port: int, requests: list, clients: int, per_client: int, budget_s: float):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(clients)
    results = context.Queue()
    processes = []
    for index in range(clients):
        share = requests[index * per_client : (index + 1) * per_client]
        process = context.Process(
            target=_client_worker, args=(port, share, barrier, results, budget_s), daemon=True
        )
        process.start()
        processes.append(process)
    outcomes = []
    try:
        for _ in range(clients):
            outcomes.append(results.get(timeout=budget_s + 90))
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
    errors = [o["error"] for o in outcomes if "error" in o]
    expect(not errors, f"client processes failed: {errors}")
    failures = [f for o in outcomes for f in o["failures"]]
    expect(not failures, f"concurrent span creation failed: {failures[:5]}")
    latencies = [value for o in outcomes for value in o["latencies"]]
    wall = max(o["end"] for o in outcomes) - min(o["start"] for o in outcomes)
    return {
        "clients": clients,
        "client_processes": True,
        "requests": len(latencies),
        "planned_requests": clients * per_client,
        "truncated_by_time_budget": len(latencies) < clients * per_client,
        "wall_s": round(wall, 3),
        "spans_per_s": round(len(latencies) / wall, 1),
        **latency_summary(latencies),
    }


def bench_render(port: int, path: str, runs: int, budget_s: float) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: list[float] = []
    size = 0
    stop_at = time.perf_counter() + budget_s
    for index in range(runs + 2):  # the first two are warm-up
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        finished = time.perf_counter()
        expect(response.status == 200, f"GET {path} -> {response.status}")
        size = len(body)
        if index >= 2:
            times.append(finished - started)
        if finished > stop_at:
            break
    connection.close()
    return {
        "requests": len(times),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(percentile(times, 95) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "response_bytes": size,
        "segments_with_spans": body.count(b'class="seg has-span'),
        "segments": body.count(b'class="seg'),
    }


def bench_browser(url: str, runs: int, budget_s: float) -> dict:
    """Time from page.goto until a click on a span segment shows the selection panel (the click
    is tried from the moment the navigation commits; nav_* are the page's own timings)."""
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found"}
    from playwright.sync_api import sync_playwright

    samples = []
    stop_at = time.perf_counter() + budget_s
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for _ in range(runs + 1):  # the first is a warm-up (browser start, disk cache)
                context = browser.new_context()
                page = context.new_page()
                page.set_default_timeout(30_000)
                started = time.perf_counter()
                # Try the click as soon as the navigation commits: a user can click a span as
                # soon as it is painted, whether or not the rest of the page has been parsed.
                page.goto(url, wait_until="commit")
                loaded = time.perf_counter()
                clicks = 0
                panel = page.locator("[data-selection]")
                while True:  # a click before the script is ready is lost: click again
                    clicks += 1
                    page.locator(".seg.has-span").first.click()
                    try:
                        panel.wait_for(state="visible", timeout=2000)
                        break
                    except Exception:
                        if clicks >= 5:
                            raise BenchError("the selection panel never became visible") from None
                answered = time.perf_counter()
                label = page.locator('[data-selection] [data-field="label"]').inner_text()
                timing = page.evaluate(
                    """() => { const n = performance.getEntriesByType('navigation')[0];
                    return {response_end: n.responseEnd, dom_interactive: n.domInteractive,
                            dcl_end: n.domContentLoadedEventEnd, load_end: n.loadEventEnd}; }"""
                )
                context.close()
                samples.append(
                    {
                        "interactive_ms": (answered - started) * 1000,
                        "goto_commit_ms": (loaded - started) * 1000,
                        "click_answered_ms": (answered - loaded) * 1000,
                        "clicks": clicks,
                        "label": label,
                        **{f"nav_{k}_ms": v for k, v in timing.items()},
                    }
                )
                if time.perf_counter() > stop_at:
                    break
        finally:
            browser.close()
    measured = samples[1:] or samples

    def median(key: str) -> float:
        return round(statistics.median(s[key] for s in measured), 1)

    return {
        "runs": len(measured),
        "interactive_median_ms": median("interactive_ms"),
        "interactive_max_ms": round(max(s["interactive_ms"] for s in measured), 1),
        "goto_commit_median_ms": median("goto_commit_ms"),
        "click_answered_median_ms": median("click_answered_ms"),
        "nav_response_end_median_ms": median("nav_response_end_ms"),
        "nav_dom_interactive_median_ms": median("nav_dom_interactive_ms"),
        "nav_dcl_end_median_ms": median("nav_dcl_end_ms"),
        "extra_clicks": sum(s["clicks"] - 1 for s in measured),
        "selected_label": measured[-1]["label"],
    }


# --- in-process import and export --------------------------------------------------------------


def in_process_import(db_path: Path, corpus: Path) -> tuple[float, dict]:
    from annotator import create_app
    from annotator.db.session import engine_of
    from annotator.transfer.importing import ImportOptions
    from annotator.transfer.importing import import_paths

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{db_path}", "SEEDS_DIR": None, "ANNOTATOR_USER": BENCH_USER}
    )
    engine = engine_of(app)
    started = time.perf_counter()
    report = import_paths(engine, [corpus], ImportOptions(annotator_name=BENCH_USER))
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, {
        "documents_added": report.total("documents_added"),
        "spans_added": report.total("spans_added"),
    }


def in_process_export(db_path: Path, out: Path) -> tuple[float, int]:
    from annotator import create_app
    from annotator.db.session import engine_of
    from annotator.db.session import session_scope
    from annotator.schema.catalog import load_catalog
    from annotator.transfer.exporting import export_records
    from annotator.transfer.exporting import write_jsonl

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{db_path}", "SEEDS_DIR": None, "ANNOTATOR_USER": BENCH_USER}
    )
    engine = engine_of(app)
    started = time.perf_counter()
    with session_scope(engine) as session:
        count = write_jsonl(export_records(session, load_catalog(session)), out)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, count


def verify_export(path: Path) -> dict:
    """Count lines and spans; every span's text must equal text[start:end]."""
    lines = spans = 0
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            lines += 1
            text = record["text"]
            for span in record["spans"]:
                spans += 1
                expect(
                    text[span["start"] : span["end"]] == span["text"],
                    f"{record['id']}: span {span} does not match its text",
                )
    return {"lines": lines, "spans": spans, "span_texts_match": True}


# --- the run -----------------------------------------------------------------------------------


def target(value, limit: float, *, at_least: bool = False) -> dict:
    if value is None:
        return {"value": None, "target": limit, "met": False}
    met = value >= limit if at_least else value <= limit
    return {"value": value, "target": f"{'>=' if at_least else '<='} {limit:g}", "met": met}


def run(args: argparse.Namespace, workdir: Path, result: dict) -> None:
    articles = args.articles
    per_client = args.per_client
    needed_docs = math.ceil((args.warmup + args.single + args.clients * per_client) / 5)
    expect(needed_docs <= articles, f"{articles} articles are too few for the span requests")

    log(f"generating {articles} articles")
    corpus = workdir / "corpus.jsonl"
    started = time.perf_counter()
    facts, plans = write_corpus(corpus, articles)
    facts["generate_s"] = round(time.perf_counter() - started, 2)
    result["corpus"] = facts
    log(f"corpus: {facts['bytes'] / 1e6:.1f} MB, {facts['spans']} spans")

    db = workdir / "bench.sqlite3"
    db_url = f"sqlite:///{db}"
    wall, _ = run_cli(["--db", f"sqlite:///{workdir / 'noop.sqlite3'}", "schema", "show"], 120)
    result["cli_startup"] = {
        "schema_show_on_new_db_wall_s": round(wall, 3),
        "note": "start-up cost of the CLI: interpreter, imports, create_app on an empty db",
    }

    log("import: CLI")
    wall, output = run_cli(["--db", db_url, "import", str(corpus)], args.phase_timeout)
    counts = db_counts(db)
    expect(counts == {"documents": articles, "spans": facts["spans"]}, f"after import: {counts}")
    log(f"import: CLI {wall:.2f} s; in process on a fresh database")
    in_proc, report = in_process_import(workdir / "fresh.sqlite3", corpus)
    expect(
        report == {"documents_added": articles, "spans_added": facts["spans"]},
        f"in-process import: {report}",
    )
    expect(db_counts(workdir / "fresh.sqlite3") == counts, "in-process import counts differ")
    result["import"] = {
        "cli_wall_s": round(wall, 3),
        "in_process_s": round(in_proc, 3),
        "cli_output_tail": output.strip().splitlines()[-1],
        **counts,
        "target": target(round(wall, 3), TARGETS["import_s"]),
    }
    (workdir / "fresh.sqlite3").unlink()

    log("export: CLI")
    out = workdir / "out.jsonl"
    wall, _ = run_cli(["--db", db_url, "export", "--out", str(out)], args.phase_timeout)
    checked = verify_export(out)
    expect(checked["lines"] == articles and checked["spans"] == facts["spans"], f"{checked}")
    log(f"export: CLI {wall:.2f} s; in process")
    in_proc, count = in_process_export(db, workdir / "out-in-process.jsonl")
    expect(count == articles, f"in-process export wrote {count} lines")
    result["export"] = {
        "cli_wall_s": round(wall, 3),
        "in_process_s": round(in_proc, 3),
        "bytes": out.stat().st_size,
        **checked,
        "target": target(round(wall, 3), TARGETS["export_s"]),
    }
    out.unlink()
    (workdir / "out-in-process.jsonl").unlink()

    log("long article: generating and importing through the CLI")
    long, long_facts = long_article(random.Random(SEED + 1))
    long_path = workdir / "long.jsonl"
    long_path.write_text(json.dumps(record_of(long), ensure_ascii=False) + "\n", encoding="utf-8")
    wall, _ = run_cli(["--db", db_url, "import", str(long_path)], args.phase_timeout)
    long_facts["import_cli_wall_s"] = round(wall, 3)
    expect(db_counts(db)["spans"] == facts["spans"] + 2000, "long article spans not imported")

    log("server: starting")
    server = Server(db_url, workdir)
    try:
        result["server"] = {"ready_s": round(server.wait_ready(), 2)}
        memory = {"after_start": server.memory()}
        requests = requests_of(plans, 0)

        log(f"API: 1 client, {args.warmup} warm-up + {args.single} requests")
        single = requests[: args.warmup + args.single]
        meter = CpuMeter(server.process.pid)
        result["api_single_client"] = bench_single(
            server.port, single, args.warmup, args.phase_timeout
        )
        result["api_single_client"].update(meter.figures(len(single)))
        result["api_single_client"]["target_p50"] = target(
            result["api_single_client"]["p50_ms"], TARGETS["single_p50_ms"]
        )
        memory["after_single_client"] = server.memory()

        log(f"API: {args.clients} client processes x {per_client} requests")
        rest = requests[args.warmup + args.single :]
        meter = CpuMeter(server.process.pid)
        concurrent = bench_concurrent(
            server.port, rest, args.clients, per_client, args.phase_timeout
        )
        concurrent.update(meter.figures(concurrent["requests"]))
        concurrent["target_spans_per_s"] = target(
            concurrent["spans_per_s"], TARGETS["concurrent_spans_per_s"], at_least=True
        )
        concurrent["target_p99"] = target(concurrent["p99_ms"], TARGETS["concurrent_p99_ms"])
        result["api_concurrent_clients"] = concurrent
        memory["after_concurrent_clients"] = server.memory()
        created = len(single) + concurrent["requests"]
        expected_spans = facts["spans"] + 2000 + created
        expect(db_counts(db)["spans"] == expected_spans, "span count after the API runs")

        log(f"long article: {args.render_runs} page renders")
        meter = CpuMeter(server.process.pid)
        render = bench_render(
            server.port, f"/documents/{long.id}", args.render_runs, args.phase_timeout
        )
        render.update(meter.figures(render["requests"] + 2))
        render["target_median"] = target(render["median_ms"], TARGETS["long_render_ms"])
        long_facts["render"] = render
        log(f"long article: {args.browser_runs} Chromium runs")
        browser = bench_browser(
            f"http://127.0.0.1:{server.port}/documents/{long.id}",
            args.browser_runs,
            args.phase_timeout,
        )
        if "interactive_median_ms" in browser:
            browser["target_median"] = target(
                browser["interactive_median_ms"], TARGETS["interactive_ms"]
            )
        long_facts["browser"] = browser
        result["long_article"] = long_facts
        memory["after_long_article"] = server.memory()
        memory["end"] = memory["after_long_article"]
        memory["target_peak"] = target(memory["end"]["vmhwm_mb"], TARGETS["server_memory_mb"])
        result["server"]["memory"] = memory
    finally:
        server.stop()
        result.setdefault("server", {}).update(server.warnings())


def summary(result: dict) -> dict:
    """Every target with its figure, in one place."""
    found = {
        "import_cli_s": result.get("import", {}).get("target"),
        "export_cli_s": result.get("export", {}).get("target"),
        "single_client_p50_ms": result.get("api_single_client", {}).get("target_p50"),
        "concurrent_spans_per_s": result.get("api_concurrent_clients", {}).get(
            "target_spans_per_s"
        ),
        "concurrent_p99_ms": result.get("api_concurrent_clients", {}).get("target_p99"),
        "server_peak_memory_mb": result.get("server", {}).get("memory", {}).get("target_peak"),
        "long_article_render_median_ms": result.get("long_article", {})
        .get("render", {})
        .get("target_median"),
        "long_article_interactive_median_ms": result.get("long_article", {})
        .get("browser", {})
        .get("target_median"),
    }
    return {name: value for name, value in found.items() if value is not None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=1_000)
    parser.add_argument("--render-runs", type=int, default=30)
    parser.add_argument("--browser-runs", type=int, default=5)
    parser.add_argument(
        "--phase-timeout", type=float, default=120.0, help="seconds any one phase may take"
    )
    args = parser.parse_args()

    result: dict = {
        "benchmark": "annotator",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "seed": SEED,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    workdir = Path(tempfile.mkdtemp(prefix="annotator-bench-"))
    status = 0
    try:
        run(args, workdir, result)
    except Exception as error:  # still print what was measured, and say what went wrong
        result["error"] = f"{type(error).__name__}: {error}"
        log(f"FAILED: {result['error']}")
        status = 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["targets"] = summary(result)
    result["targets_missed"] = [k for k, v in result["targets"].items() if not v["met"]]
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["total_wall_s"] = round(time.perf_counter() - _T0, 1)
    log(f"done in {result['total_wall_s']} s")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
