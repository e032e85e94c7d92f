"""Peak memory and time of a build fed hostile inputs: a gzip bomb and one huge line.

    python benchmarks/bounded_memory.py [--baseline /work/main] [--dir /tmp/pairgen-bombs]
                                        [--bomb-gib 3] [--line-mb 100] [--timeout 300]

Generated in a temporary folder (nothing is downloaded):

- ``bomb.jsonl.gz``: ``--bomb-gib`` GiB of ``a`` with no line break, gzip'd (a few MB:
  one compressed 64 MiB member repeated, which gzip readers read as one stream);
- ``line.jsonl``: three GSM8K-shaped JSON Lines rows, the middle one with a ``question``
  ``--line-mb`` MB long (a ``too_long`` reject; the other two are paired).

Each is built with ``python -m pairgen build --source gsm8k --from files`` in a fresh
process, under this tree (``PYTHONPATH`` = this checkout) and, with ``--baseline``, under
another checkout in the same run, and the peak summed RSS of the build and its workers
(sampled every 50 ms with psutil), the wall time, the exit status and the last stderr
line are printed, with the ratio of this tree's peak to the baseline's.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parents[1]
MEMBER_BYTES = 64 << 20


def make_bomb(path: Path, gib: float) -> Path:
    """``gib`` GiB of ``a`` without a line break, as repeated gzip members."""
    member = gzip.compress(b"a" * MEMBER_BYTES, compresslevel=9)
    count = max(1, round(gib * (1 << 30) / MEMBER_BYTES))
    with path.open("wb") as handle:
        for _ in range(count):
            handle.write(member)
    return path


def make_line(path: Path, megabytes: int) -> Path:
    """A JSON Lines row whose ``question`` holds ``megabytes`` MB of text, between two
    ordinary rows."""
    ordinary = b'{"question": "What is 2 + 3?", "answer": "2 + 3 = <<2+3=5>>5\\n#### 5"}\n'
    with path.open("wb") as handle:
        handle.write(ordinary)
        handle.write(b'{"question": "')
        block = b"x" * (1 << 20)
        for _ in range(megabytes):
            handle.write(block)
        handle.write(b'", "answer": "#### 1"}\n')
        handle.write(ordinary)
    return path


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_build(tree: Path, data: Path, out: Path, timeout: float) -> dict[str, object]:
    """One build of ``data`` with ``tree``'s pairgen: peak RSS, seconds, status, last line."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "pairgen", "build", "--source", "gsm8k", "--from", "files"]
    command += ["--data-files", f"train={data}", "--out", str(out), "--workers", "1"]
    started = time.perf_counter()
    process = subprocess.Popen(  # cwd: never import the pairgen of the current folder
        command, env=env, cwd=out.parent, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    watched = psutil.Process(process.pid)
    peak = 0
    status: int | str
    while True:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, _tree_rss(watched))
        if process.poll() is not None:
            status = process.returncode
            break
        if time.perf_counter() - started > timeout:
            for child in watched.children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
            status = f"killed after {timeout:.0f} s"
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return {
        "peak_mib": peak / 2**20,
        "seconds": seconds,
        "status": status,
        "stderr_lines": len(lines),
        "last": lines[-1][:150] if lines else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to measure the same way")
    parser.add_argument("--dir", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument("--bomb-gib", type=float, default=3.0)
    parser.add_argument("--line-mb", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        root = Path(scratch)
        inputs = {
            "gzip bomb": make_bomb(root / "bomb.jsonl.gz", args.bomb_gib),
            "single line": make_line(root / "line.jsonl", args.line_mb),
        }
        for name, path in inputs.items():
            print(f"{name}: {path.name}, {path.stat().st_size / 2**20:.1f} MiB on disk")
        trees = {"this tree": HERE}
        if args.baseline is not None:
            trees["baseline"] = args.baseline.resolve()
        results: dict[tuple[str, str], dict[str, object]] = {}
        for name, path in inputs.items():
            for label, tree in trees.items():
                out = root / f"out-{len(results)}"
                result = run_build(tree, path, out, args.timeout)
                results[(name, label)] = result
                print(
                    f"{name:12} {label:10} peak {result['peak_mib']:8.0f} MiB  "
                    f"{result['seconds']:6.1f} s  exit {result['status']}  "
                    f"stderr lines {result['stderr_lines']}: {result['last']}",
                    flush=True,
                )
        if args.baseline is not None:
            for name in inputs:
                ours, theirs = results[(name, "this tree")], results[(name, "baseline")]
                ratio = float(str(ours["peak_mib"])) / max(float(str(theirs["peak_mib"])), 1.0)
                speed = float(str(ours["seconds"])) / max(float(str(theirs["seconds"])), 1e-9)
                print(f"{name}: peak memory x{ratio:.2f} of baseline, time x{speed:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
