"""The span API of two checkouts, served in turn, round after round: `make bench`'s span phases.

Each checkout imports the same generated corpus once (as `python -m annotator`, its folder as
the working directory and on PYTHONPATH, like `compare_trees.py`). Each round copies that
database, runs `annotator serve` on it and sends the benchmark's own requests with its own
clients (`benchmark.bench_single`, `benchmark.bench_concurrent`): 200 warm-up POSTs, 2,000 from
one client, then 8 client processes. Prints each round and the medians per checkout: p50/p99
and the server's CPU ms per request for one client, spans/s, p99 and CPU ms per request for 8.

    .venv/bin/python bench/compare_span_api.py --rounds 5 v010=/tmp/v010 now=.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchmark as core  # noqa: E402  (bench/benchmark.py: corpus, requests, clients)

SINGLE = 2000
WARMUP = 200


ANNOTATOR = [sys.executable, "-m", "annotator"]


def under(tree: Path) -> dict:
    """Popen's cwd and env to run ANNOTATOR from a checkout, as the benchmark's user."""
    return {"cwd": tree, "env": {**core.child_env(), "PYTHONPATH": str(tree)}}


def one_round(tree: Path, database: Path, requests: list, per_client: int) -> dict:
    """Serve a copy of the database and measure one client, then 8."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "db.sqlite3"
        shutil.copy(database, copy)
        server = core.Server(f"sqlite:///{copy}", Path(folder), ANNOTATOR, **under(tree))
        try:
            server.wait_ready()
            pid = server.process.pid
            cpu_start = core.cpu_seconds_of(pid)
            single = core.bench_single(server.port, requests[: WARMUP + SINGLE], WARMUP, 120)
            cpu_single = core.cpu_seconds_of(pid)
            rest = requests[WARMUP + SINGLE : WARMUP + SINGLE + 8 * per_client]
            many = core.bench_concurrent(server.port, rest, 8, per_client, 120)
            cpu_many = core.cpu_seconds_of(pid)
        finally:
            server.stop()
    return {
        "1_client_p50_ms": single["p50_ms"],
        "1_client_p99_ms": single["p99_ms"],
        # the warm-up's CPU is counted too: the server's CPU is only read between phases
        "1_client_cpu_ms": round((cpu_single - cpu_start) / (WARMUP + SINGLE) * 1000, 3),
        "8_clients_spans_per_s": many["spans_per_s"],
        "8_clients_p99_ms": many["p99_ms"],
        "8_clients_cpu_ms": round((cpu_many - cpu_single) / many["requests"] * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-client", type=int, default=600)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("trees", nargs=2, metavar="NAME=PATH")
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in args.trees)}
    needed = WARMUP + SINGLE + 8 * args.per_client
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _facts, plans = core.write_corpus(work / "corpus.jsonl", args.articles)
        requests = core.requests_of(plans, 0)
        if len(requests) < needed:
            raise SystemExit(f"{args.articles} articles give {len(requests)} requests: too few")
        databases = {}
        for name, tree in trees.items():
            databases[name] = work / f"{name}.sqlite3"
            url = f"sqlite:///{databases[name]}"
            command = [*ANNOTATOR, "--db", url, "import", str(work / "corpus.jsonl")]
            imported = subprocess.run(command, stdout=subprocess.DEVNULL, **under(tree))
            if imported.returncode != 0:
                raise SystemExit(f"{name}: the import failed")
        figures: dict[str, list[dict]] = {name: [] for name in trees}
        for number in range(args.rounds):
            for name, tree in trees.items():
                figures[name].append(one_round(tree, databases[name], requests, args.per_client))
                print(number + 1, name, json.dumps(figures[name][-1]), flush=True)
    for name, rounds in figures.items():
        medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        print(name, "medians", json.dumps(medians))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
