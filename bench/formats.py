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
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark as core  # noqa: E402  (bench/benchmark.py: the corpus and the CLI helpers)
from cli_step import Deadline  # noqa: E402
from cli_step import Step  # noqa: E402
from cli_step import elapsed  # noqa: E402
from cli_step import log  # noqa: E402
from cli_step import rate  # noqa: E402
from format_corpus import corpus  # noqa: E402
from format_outputs import count_in_child  # noqa: E402
from format_outputs import db_counts  # noqa: E402
from format_outputs import output_files  # noqa: E402
from format_summary import print_table  # noqa: E402
from format_summary import summary  # noqa: E402

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
# Per command, and for all of them together, at the default size; both grow with --articles.
STEP_TIMEOUT_S = 300.0
BUDGET_S = 540.0
DEFAULT_ARTICLES = 10_000


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
        documents, spans = count_in_child(format_name, out)
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
    # A command's peak memory counts from this process's own peak (it is forked from it), so
    # this is the floor under every peak_rss_mb; the outputs are counted in child processes.
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["bench_peak_rss_mb"] = round(own_peak / 1024, 1)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["total_wall_s"] = round(elapsed(), 1)
    log(f"done in {result['total_wall_s']} s, {len(errors)} error(s)")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
