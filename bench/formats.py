"""Export and import throughput of every span-carrying format, as one JSON object on stdout.

Run with `.venv/bin/python bench/formats.py [--articles N]`. It writes the benchmark corpus of
bench/benchmark.py (same generator, same seed; in files of `--chunk` articles), imports it once
with the real CLI, then for each format runs `annotator export --format F` and imports that
output into a fresh SQLite database with `annotator import --format F --add-labels
--skip-unsupported`. Every command is a subprocess with a time limit, and its peak memory is its
own (wait4), so phases do not add up. Everything happens in a temporary directory that is
deleted at the end (`--cache DIR` keeps the corpus for the next run). Progress lines and a
per-format table go to stderr. See bench/README.md for what each figure means.
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark as core  # noqa: E402  (bench/benchmark.py: the corpus and the CLI helpers)

FORMATS = ("jsonl", "prodigy", "doccano", "label-studio", "brat", "conll", "spacy", "hf")
# One layer at a time for the token-tag formats: the entity layer, the only non-overlapping one.
ENTITY_ONLY = ("conll", "hf")
ENTITY_OPTIONS = ["--layer", "entity", "--overlap", "longest"]
OUTPUT_NAMES = {
    "jsonl": "export.jsonl",
    "prodigy": "export.jsonl",
    "doccano": "export.jsonl",
    "label-studio": "export.json",
    "brat": "export",  # a folder
    "conll": "export.conll",
    "spacy": "export.spacy",
    "hf": "export.jsonl",
}
# Below this, a direction's throughput is flagged as poor. On 2 cores the native JSONL exports
# ~110,000 spans/s and imports ~40,000; at the default size the CLI's start-up (~0.7 s) is noise.
POOR_SPANS_PER_S = 20_000
# Per command, and for all of them together, at the default size; both grow with --articles.
STEP_TIMEOUT_S = 300.0
BUDGET_S = 540.0
DEFAULT_ARTICLES = 10_000

_T0 = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, with the seconds since the start."""
    print(f"[formats {time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


# --- running the CLI -----------------------------------------------------------------------------


class Step:
    """One CLI run: wall time, exit status, output, and whether its time limit ran out."""

    def __init__(self, args: list[str], timeout: float, profile: Path | None = None) -> None:
        command = core.annotator_command() + args
        if profile is not None:
            command = [
                sys.executable,
                "-m",
                "pyinstrument",
                "--no-color",
                "-r",
                "text",
                "-o",
                str(profile),
                "-m",
                "annotator",
                *args,
            ]
        self.command = command
        self.timeout = timeout
        self.timed_out = False
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            # A session of its own, so a timeout ends the command and anything it started.
            process = subprocess.Popen(
                command, stdout=out, stderr=err, env=core.child_env(), start_new_session=True
            )
            waited: dict = {}

            def reap() -> None:  # wait4: the exit status and the child's own resource usage
                _, waited["status"], waited["usage"] = os.wait4(process.pid, 0)
                waited["wall"] = time.perf_counter() - started

            reaper = threading.Thread(target=reap, daemon=True)
            reaper.start()
            reaper.join(timeout)
            if reaper.is_alive():
                self.timed_out = True
                os.killpg(process.pid, signal.SIGKILL)
                reaper.join()
            process.returncode = os.waitstatus_to_exitcode(waited["status"])
            out.seek(0)
            err.seek(0)
            self.stdout = out.read().decode("utf-8", "replace")
            self.stderr = err.read().decode("utf-8", "replace")
        usage = waited["usage"]
        self.wall = waited["wall"]
        self.cpu = usage.ru_utime + usage.ru_stime
        self.peak_rss_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
        self.returncode = process.returncode

    def figures(self) -> dict:
        """Wall time, CPU time and peak memory of the command."""
        return {
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 2),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0

    def failure(self, what: str) -> str:
        """What went wrong, for the JSON."""
        if self.timed_out:
            return f"{what}: no result within the {self.timeout:.0f} s time limit"
        tail = (self.stderr or self.stdout).strip()[-1500:]
        return f"{what}: exit status {self.returncode}: {tail}"


def db_counts(db_path: Path) -> dict:
    """Documents and spans in a database (spans per layer too)."""
    counts = core.db_counts(db_path)
    with sqlite3.connect(db_path) as connection:
        try:
            rows = connection.execute(
                "SELECT layer.name, count(*) FROM span JOIN label ON label.id = span.label_id "
                "JOIN layer ON layer.id = label.layer_id GROUP BY layer.name"
            ).fetchall()
        except sqlite3.Error:
            rows = []
    connection.close()
    if rows:
        counts["spans_by_layer"] = dict(sorted(rows))
    return counts


# --- counting what an export wrote, independently of the readers ---------------------------------


def _json_lines(path: Path):
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def count_jsonl(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for record in _json_lines(path):
        documents += 1
        spans += len(record.get("spans") or [])
    return documents, spans


def count_prodigy(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for task in _json_lines(path):
        documents += 1
        if task.get("answer", "accept") == "accept":
            spans += sum(
                1 for s in task.get("spans") or [] if s.get("answer", "accept") == "accept"
            )
    return documents, spans


def count_doccano(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for record in _json_lines(path):
        documents += 1
        spans += len(record.get("label") or record.get("labels") or record.get("entities") or [])
    return documents, spans


def count_label_studio(path: Path) -> tuple[int, int]:
    tasks = json.loads(path.read_text(encoding="utf-8"))
    spans = 0
    for task in tasks:
        for annotation in task.get("annotations") or []:
            for item in annotation.get("result") or []:
                if item.get("type") == "labels":
                    spans += len(item["value"]["labels"])
    return len(tasks), spans


def count_brat(path: Path) -> tuple[int, int]:
    documents = spans = 0
    for ann in path.rglob("*.ann"):
        documents += 1
        with ann.open(encoding="utf-8") as stream:
            spans += sum(1 for line in stream if line.startswith("T"))
    return documents, spans


def count_conll(path: Path) -> tuple[int, int]:
    """Documents (-DOCSTART- lines) and spans (B- tags: the writer uses IOB2)."""
    documents = spans = 0
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("-DOCSTART-"):
                documents += 1
            elif line.rstrip("\n").rpartition("\t")[2].startswith("B-"):
                spans += 1
    return documents, spans


def count_hf(path: Path) -> tuple[int, int]:
    names = json.loads(path.with_name(f"{path.stem}.labels.json").read_text(encoding="utf-8"))
    begins = {index for index, name in enumerate(names) if name.startswith("B-")}
    documents = spans = 0
    for row in _json_lines(path):
        documents += 1
        spans += sum(1 for tag in row["ner_tags"] if tag in begins)
    return documents, spans


def count_spacy(path: Path) -> tuple[int, int]:
    """Spans in every doc.spans group and in doc.ents, the same span once (as the reader does)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    documents = spans = 0
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    docs = (
        doc for file in files for doc in DocBin().from_bytes(file.read_bytes()).get_docs(Vocab())
    )
    for doc in docs:
        documents += 1
        found = {
            (s.start_char, s.end_char, s.label_, key) for key in doc.spans for s in doc.spans[key]
        }
        found.update((s.start_char, s.end_char, s.label_, "entity") for s in doc.ents)
        spans += len(found)
    return documents, spans


COUNTERS: dict[str, Callable[[Path], tuple[int, int]]] = {
    "jsonl": count_jsonl,
    "prodigy": count_prodigy,
    "doccano": count_doccano,
    "label-studio": count_label_studio,
    "brat": count_brat,
    "conll": count_conll,
    "spacy": count_spacy,
    "hf": count_hf,
}


def output_files(format_name: str, out: Path) -> list[Path]:
    """The files an export wrote (its manifest left out)."""
    if out.is_dir():
        files = [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"]
    else:
        files = [out] if out.exists() else []
    if format_name == "hf":
        labels = out.with_name(f"{out.stem}.labels.json")
        files += [labels] if labels.exists() else []
    return files


# --- one format ----------------------------------------------------------------------------------


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


class Deadline:
    """The whole run's time budget: each step gets min(step limit, what is left)."""

    def __init__(self, budget: float, step: float) -> None:
        self.end = time.perf_counter() + budget
        self.step = step

    def next_limit(self) -> float | None:
        """The time limit of the next step, or None when the budget is spent."""
        left = self.end - time.perf_counter()
        return min(self.step, left) if left > 5 else None


def bench_format(
    format_name: str,
    source_url: str,
    workdir: Path,
    expected: dict,
    deadline: Deadline,
    profile_dir: Path | None,
) -> dict:
    """Export the source database in one format, count it, import it into a fresh database."""
    result: dict = {"errors": []}
    errors = result["errors"]
    folder = workdir / format_name
    folder.mkdir()
    out = folder / OUTPUT_NAMES[format_name]
    entity_only = format_name in ENTITY_ONLY
    want_spans = expected["entity_spans"] if entity_only else expected["spans"]
    result["layers"] = "entity" if entity_only else "all"

    limit = deadline.next_limit()
    if limit is None:
        errors.append("skipped: the run's time budget is spent")
        return result
    args = ["--db", source_url, "export", "--format", format_name, "--out", str(out)]
    args += ENTITY_OPTIONS if entity_only else []
    log(f"{format_name}: export (limit {limit:.0f} s)")
    step = Step(args, limit, profile_dir and profile_dir / f"{format_name}-export.txt")
    files = output_files(format_name, out)
    result["export"] = step.figures()
    if not step.ok:
        errors.append(step.failure("export"))
        return result
    overlaps = [line for line in step.stderr.splitlines() if line.startswith("overlap:")]
    started = time.perf_counter()
    try:
        documents, spans = COUNTERS[format_name](out)
    except Exception as error:  # a broken output is a finding, not a crash of the benchmark
        errors.append(f"export: cannot count its output: {type(error).__name__}: {error}")
        documents = spans = 0
    result["export"].update(
        {
            "bytes": sum(p.stat().st_size for p in files),
            "files": len(files),
            "documents_written": documents,
            "spans_written": spans,
            "documents_per_s": rate(documents, step.wall),
            "spans_per_s": rate(spans, step.wall),
            "overlaps_dropped": len(overlaps),
            "count_check_s": round(time.perf_counter() - started, 2),
        }
    )
    if documents != expected["documents"] or spans != want_spans:
        errors.append(
            f"export wrote {documents} documents and {spans} spans; expected "
            f"{expected['documents']} and {want_spans}"
        )
    log(
        f"{format_name}: export {step.wall:.2f} s, {result['export']['bytes'] / 1e6:.1f} MB, "
        f"{spans} spans"
    )

    limit = deadline.next_limit()
    if limit is None:
        errors.append("import skipped: the run's time budget is spent")
        return result
    db = folder / "import.sqlite3"
    args = ["--db", f"sqlite:///{db}", "import", "--format", format_name]
    args += ["--add-labels", "--skip-unsupported", str(out)]
    log(f"{format_name}: import (limit {limit:.0f} s)")
    step = Step(args, limit, profile_dir and profile_dir / f"{format_name}-import.txt")
    result["import"] = step.figures()
    if not step.ok:
        errors.append(step.failure("import"))
        return result
    counts = db_counts(db)
    result["import"].update(
        {
            "documents": counts["documents"],
            "spans": counts["spans"],
            "spans_by_layer": counts.get("spans_by_layer"),
            "documents_per_s": rate(counts["documents"], step.wall),
            "spans_per_s": rate(counts["spans"], step.wall),
            "cli_output_tail": step.stdout.strip().splitlines()[-1] if step.stdout.strip() else "",
        }
    )
    if counts["spans"] != spans:
        errors.append(
            f"re-import: {counts['spans']} spans in the database, the export wrote {spans}"
        )
    if counts["documents"] != documents:
        errors.append(
            f"re-import: {counts['documents']} documents in the database, the export wrote "
            f"{documents}"
        )
    log(f"{format_name}: import {step.wall:.2f} s, {counts['spans']} spans")
    return result


# --- the corpus ----------------------------------------------------------------------------------


def write_corpus(folder: Path, articles: int, chunk: int) -> dict:
    """benchmark.py's corpus (same generator and seed, so the same articles) as JSONL files of
    at most chunk articles each, so that its one import is one transaction per chunk."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(core.SEED)
    entity_labels = set(core.ENTITY_LABELS)
    chars = []
    spans = entity_spans = 0
    files = []
    stream = None
    try:
        for index in range(articles):
            if index % chunk == 0:
                if stream:
                    stream.close()
                files.append(folder / f"corpus-{len(files) + 1:03d}.jsonl")
                stream = files[-1].open("w", encoding="utf-8")
            article, _ = core.corpus_article(rng, index)
            chars.append(len(article.text))
            spans += len(article.spans)
            entity_spans += sum(1 for span in article.spans if span["label"] in entity_labels)
            stream.write(json.dumps(core.record_of(article), ensure_ascii=False) + "\n")
    finally:
        if stream:
            stream.close()
    return {
        "articles": articles,
        "spans": spans,
        "entity_spans": entity_spans,
        "chars_mean": round(statistics.fmean(chars)),
        "files": [file.name for file in files],
        "bytes": sum(file.stat().st_size for file in files),
    }


def corpus(args: argparse.Namespace, workdir: Path) -> tuple[dict, list[Path]]:
    """The corpus files and their facts: from --cache when it holds them, else written."""
    folder = workdir / "corpus"
    if args.cache:
        folder = Path(args.cache).resolve() / f"corpus-{args.articles}-by-{args.chunk}"
    facts_file = folder / "facts.json"
    if facts_file.exists():
        facts = json.loads(facts_file.read_text(encoding="utf-8"))
        log(f"corpus from the cache: {folder}")
    else:
        log(f"generating {args.articles} articles")
        started = time.perf_counter()
        facts = write_corpus(folder, args.articles, args.chunk)
        facts["generate_s"] = round(time.perf_counter() - started, 2)
        facts_file.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return facts, [folder / name for name in facts["files"]]


def code_under_test(workdir: Path) -> str:
    """Where the annotator package the commands run comes from (PYTHONPATH may point at an
    older checkout), asked of a child process with the commands' environment."""
    done = subprocess.run(
        [sys.executable, "-c", "import annotator; print(annotator.__file__)"],
        capture_output=True,
        text=True,
        env=core.child_env(),
        cwd=workdir,
        check=True,
    )
    return str(Path(done.stdout.strip()).parent)


# --- the run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path, result: dict) -> None:
    result["code"] = code_under_test(workdir)
    log(f"code under test: {result['code']}")
    facts, corpus_files = corpus(args, workdir)
    entity_spans = facts["entity_spans"]
    result["corpus"] = facts
    log(f"corpus: {facts['bytes'] / 1e6:.1f} MB, {facts['spans']} spans ({entity_spans} entities)")

    deadline = Deadline(args.budget, args.step_timeout)
    step = Step(["--db", f"sqlite:///{workdir / 'noop.sqlite3'}", "schema", "show"], 120)
    result["cli_startup_s"] = round(step.wall, 3)
    if not step.ok:
        raise core.BenchError(step.failure("schema show"))

    source = workdir / "source.sqlite3"
    source_url = f"sqlite:///{source}"
    log("importing the native corpus")
    step = Step(["--db", source_url, "import", *map(str, corpus_files)], args.step_timeout)
    if not step.ok:
        raise core.BenchError(step.failure("corpus import"))
    counts = db_counts(source)
    result["source_import"] = {**step.figures(), **counts}
    core.expect(
        counts["documents"] == args.articles and counts["spans"] == facts["spans"],
        f"after the corpus import: {counts}",
    )
    expected = {"documents": args.articles, "spans": facts["spans"], "entity_spans": entity_spans}

    profile_dir = Path(args.profile).resolve() if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    formats: dict[str, dict] = {}
    result["formats"] = formats
    for format_name in args.formats:
        started = time.perf_counter()
        formats[format_name] = bench_format(
            format_name, source_url, workdir, expected, deadline, profile_dir
        )
        shutil.rmtree(workdir / format_name, ignore_errors=True)
        formats[format_name]["wall_s"] = round(time.perf_counter() - started, 2)


def summary(formats: dict) -> dict:
    """Per format, both directions side by side (also as a share of the native JSONL's spans/s in
    the same run), and which directions are poor."""
    base = formats.get("jsonl", {})
    table = {}
    poor = []
    for name, figures in formats.items():
        row: dict = {}
        for phase in ("export", "import"):
            block = figures.get(phase, {})
            row[f"{phase}_s"] = block.get("wall_s")
            row[f"{phase}_spans_per_s"] = block.get("spans_per_s")
            row[f"{phase}_peak_rss_mb"] = block.get("peak_rss_mb")
            native = base.get(phase, {}).get("spans_per_s")
            if block.get("spans_per_s") is not None and native:
                row[f"{phase}_vs_jsonl"] = round(block["spans_per_s"] / native, 2)
            if block.get("spans_per_s") is not None and block["spans_per_s"] < POOR_SPANS_PER_S:
                poor.append(f"{name} {phase}")
        row["round_trip_ok"] = not figures["errors"]
        table[name] = row
    return {"table": table, "poor_throughput": poor, "poor_below_spans_per_s": POOR_SPANS_PER_S}


def print_table(articles: int, table: dict) -> None:
    """Peak memory and spans/s per format and direction, on stderr."""
    log(f"per format, {articles} articles: peak RSS (MB) and spans/s")
    header = f"{'format':<13}{'export MB':>10}{'spans/s':>10}{'import MB':>11}{'spans/s':>10}"
    print(header, file=sys.stderr)

    def cell(value, width: int) -> str:
        return f"{'-' if value is None else f'{value:,.0f}':>{width}}"

    for name, row in table.items():
        print(
            f"{name:<13}{cell(row.get('export_peak_rss_mb'), 10)}"
            f"{cell(row.get('export_spans_per_s'), 10)}{cell(row.get('import_peak_rss_mb'), 11)}"
            f"{cell(row.get('import_spans_per_s'), 10)}",
            file=sys.stderr,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument(
        "--chunk",
        type=int,
        default=10_000,
        help="articles per corpus file (the source import is one transaction per file)",
    )
    parser.add_argument(
        "--cache", metavar="DIR", help="keep the corpus in DIR and reuse it on the next run"
    )
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"comma-separated, from: {', '.join(FORMATS)}",
    )
    parser.add_argument(
        "--step-timeout",
        type=float,
        help=f"seconds any one CLI command may take ({STEP_TIMEOUT_S:g} per 10,000 articles)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        help=f"seconds all exports and imports may take together ({BUDGET_S:g} per 10,000 "
        "articles); later steps are skipped",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run every export/import under pyinstrument, text reports into DIR (slower)",
    )
    args = parser.parse_args()
    args.formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    unknown = [name for name in args.formats if name not in FORMATS]
    if unknown:
        parser.error(f"unknown format(s): {', '.join(unknown)}")
    scale = max(1.0, args.articles / DEFAULT_ARTICLES)
    args.step_timeout = args.step_timeout or STEP_TIMEOUT_S * scale
    args.budget = args.budget or BUDGET_S * scale

    result: dict = {
        "benchmark": "annotator formats",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "seed": core.SEED,
        "step_timeout_s": args.step_timeout,
        "budget_s": args.budget,
        "profiled": bool(args.profile),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    workdir = Path(tempfile.mkdtemp(prefix="annotator-formats-"))
    errors: list[str] = []
    try:
        run(args, workdir, result)
    except Exception as error:  # still print what was measured, and say what went wrong
        errors.append(f"{type(error).__name__}: {error}")
        log(f"FAILED: {errors[-1]}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    formats = result.get("formats", {})
    errors += [
        f"{name}: {error}" for name, figures in formats.items() for error in figures["errors"]
    ]
    result["summary"] = summary(formats)
    print_table(args.articles, result["summary"]["table"])
    result["errors"] = errors
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["total_wall_s"] = round(time.perf_counter() - _T0, 1)
    log(f"done in {result['total_wall_s']} s, {len(errors)} error(s)")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
