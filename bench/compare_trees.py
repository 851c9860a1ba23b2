"""The same `annotator` command under two checkouts, run in turn, round after round.

On a shared 2-core VM the speed drifts by tens of percent between minutes, so two figures
taken minutes apart say little; runs that alternate share the machine's state. Each checkout
runs as `python -m annotator` with its folder as the working directory and on PYTHONPATH
(an older checkout, e.g. from `git worktree add /tmp/v010 fe1e5f8`, needs nothing installed
but the dependencies this venv has). Prints wall and CPU seconds (min and median) per checkout.

    .venv/bin/python bench/compare_trees.py --rounds 5 --fresh /tmp/x.sqlite3 \\
        old=/tmp/v010 new=. -- --db sqlite:////tmp/x.sqlite3 import corpus.jsonl
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from time import perf_counter


def run_once(tree: Path, command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of the command under tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "annotator", *command],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=False,
    )
    wall = perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def remove_database(path: Path) -> None:
    """An SQLite file and its WAL companions, so each run starts on a new database."""
    for suffix in ("", "-wal", "-shm", ".write-lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fresh", type=Path, help="an SQLite file removed before every run")
    parser.add_argument("trees", nargs=2, metavar="NAME=PATH")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="after --: annotator's args")
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in args.trees)}
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            if args.fresh:
                remove_database(args.fresh)
            figures[name].append(run_once(tree, command))
    for name, runs in figures.items():
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        print(
            f"{name}: wall min {min(walls):.2f} median {statistics.median(walls):.2f} s | "
            f"cpu min {min(cpus):.2f} median {statistics.median(cpus):.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
