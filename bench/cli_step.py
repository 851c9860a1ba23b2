"""One `annotator` CLI command as a subprocess with a time limit, measured by its own resource
usage (wait4: wall time, CPU time, peak memory), and the benchmark's overall time budget."""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchmark as core

_T0 = time.perf_counter()


def log(message: str) -> None:
    """A progress line on stderr, with the seconds since the start."""
    print(f"[formats {elapsed():7.1f}s] {message}", file=sys.stderr, flush=True)


def elapsed() -> float:
    """Seconds since the benchmark started."""
    return time.perf_counter() - _T0


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
