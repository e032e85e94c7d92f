"""kill -9 trials: a killed build never costs the previous output, and its rerun resumes.

    python benchmarks/kill_trials.py [--rows 150000] [--fresh 10] [--rebuild 10]
                                     [--workers 2] [--dir /tmp/pairgen-kills] [--seed 0]

A multi-source pipeline (GSM8K train and test, MetaMathQA train, ARC-Easy train: the
bundled samples replicated into JSON Lines files of ``--rows`` rows in all) is built
with ``python -m pairgen build`` and killed with SIGKILL at a random moment of a normal
build's duration, alternately the whole process group and the main pid alone (as the
OOM killer does).  Each trial checks:

- no worker outlives its parent (every child of the build is gone soon after the kill);
- a *rebuild* (seed 2 over a finished seed-1 output) leaves the previous output
  byte-identical, unless the kill came after the swap's commit point (then the new
  build is complete in staging and the rerun finishes it);
- the rerun (the same command) exits 0, its output is byte-identical to an
  uninterrupted build's, and every split the killed run had completed (sha256 as its
  journal says) is reused: the file in OUT is the very file the killed run wrote (same
  inode), not a rewrite;
- the killed build's ``/dev/shm`` parcel directories are gone after the rerun (any
  other abandoned one, from some other run killed meanwhile, is reported, not failed).

Exit status 1 if any check failed.  CI runs it with a few trials and a few thousand rows.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from pairgen.output.manifest import STATE_DIR
from pairgen.output.staging import JOURNAL_NAME, STAGING_NAME
from pairgen.output.swap import SWAP_NAME
from pairgen.pipeline.parcels import LOCK_NAME, SHARED_MEMORY_DIR
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path

# (source, config, split, share of the rows)
INPUTS = (
    ("gsm8k", "main", "train", 0.4),
    ("gsm8k", "main", "test", 0.1),
    ("metamath", "default", "train", 0.4),
    ("arc", "ARC-Easy", "train", 0.1),
)


def replicate(source: str, config: str, split: str, rows: int, path: Path) -> Path:
    """``rows`` rows of a bundled sample, cycled; ARC ids made unique per copy."""
    if path.is_file():
        return path
    lines = sample_path(get_source(source), config, split).read_text(encoding="utf-8")
    samples = [json.loads(line) for line in lines.splitlines() if line.strip()]
    with path.with_suffix(".partial").open("w", encoding="utf-8") as handle:
        for index in range(rows):
            row = dict(samples[index % len(samples)])
            if "id" in row:
                row["id"] = f"{row['id']}-{index}"
            handle.write(json.dumps(row) + "\n")
    path.with_suffix(".partial").rename(path)
    return path


def write_pipeline(directory: Path, rows: int, seed: int, workers: int) -> Path:
    """The pipeline file of seed ``seed`` (its ``out`` is given on the command line)."""
    inputs = directory / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    sources: dict[tuple[str, str], dict[str, list[str]]] = {}
    for source, config, split, share in INPUTS:
        path = replicate(
            source, config, split, int(rows * share), inputs / f"{source}-{config}-{split}.jsonl"
        )
        sources.setdefault((source, config), {})[split] = [str(path)]
    document = {
        "seed": seed,
        "workers": workers,
        "batch_rows": 2048,
        "sources": [
            {"source": s, "config": c, "from": "files", "data_files": files}
            for (s, c), files in sources.items()
        ],
    }
    path = directory / f"pipeline-{seed}.yaml"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")  # JSON is YAML
    return path


def command(pipeline: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pairgen", "build", str(pipeline), "--out", str(out)]


def tree(out: Path) -> dict[str, str]:
    """sha256 of every file in OUT except pairgen's own bookkeeping."""
    found = {}
    for directory, subdirs, names in os.walk(out):
        subdirs[:] = [d for d in subdirs if Path(directory, d) != out / STATE_DIR]
        for name in names:
            path = Path(directory, name)
            found[path.relative_to(out).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_build(pipeline: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command(pipeline, out), check=True, capture_output=True)
    return time.perf_counter() - started


def completed_splits(out: Path) -> dict[str, dict[str, int]]:
    """The splits the killed run's journal lists whose files still match their sha256:
    ``config/split`` -> {file relative to OUT: inode}.  What the rerun must reuse."""
    staging = out / STATE_DIR / STAGING_NAME
    try:
        journal = json.loads((staging / JOURNAL_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    kept = {}
    for name, entry in journal.get("splits", {}).items():
        files = [(s["path"], s["sha256"]) for s in entry["shards"]]
        files.append((entry["rejects"]["path"], entry["rejects"]["sha256"]))
        if all(
            (staging / path).is_file()
            and hashlib.sha256((staging / path).read_bytes()).hexdigest() == digest
            for path, digest in files
        ):
            kept[name] = {path: (staging / path).stat().st_ino for path, _ in files}
    return kept


def parcel_dirs(process: psutil.Process) -> list[Path]:
    """The /dev/shm parcel directories a build holds open (their ``.lock``)."""
    return [
        Path(f.path).parent
        for f in process.open_files()
        if f.path.startswith(f"{SHARED_MEMORY_DIR}/pairgen-") and f.path.endswith(LOCK_NAME)
    ]


def abandoned_parcel_dirs() -> list[Path]:
    """Parcel directories in /dev/shm whose lock no live process holds (any run's)."""
    found = []
    for entry in SHARED_MEMORY_DIR.glob("pairgen-*"):
        try:
            fd = os.open(entry / LOCK_NAME, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            found.append(entry)
        except OSError:
            pass
        finally:
            os.close(fd)
    return found


class FinishedFirst(Exception):
    """The build ended before the moment picked for its kill (after ``args[0]`` s)."""


def trial(
    kind: str,
    target: str,
    delay: float,
    pipeline: Path,
    out: Path,
    before: dict[str, str],
    expected: dict[str, str],
) -> list[str]:
    """One kill and rerun; the problems found (none: the trial passed)."""
    problems = []
    log = out.with_name(f"{out.name}.log")
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command(pipeline, out),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    started = time.perf_counter()
    while time.perf_counter() - started < delay and process.poll() is None:
        time.sleep(0.02)
    try:
        children = psutil.Process(process.pid).children(recursive=True)
        parcels = parcel_dirs(psutil.Process(process.pid))
        if target == "group":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            os.kill(process.pid, signal.SIGKILL)
    except (psutil.NoSuchProcess, ProcessLookupError):
        pass  # it ended on its own (it was reaped by poll())
    process.wait()
    if process.returncode != -signal.SIGKILL:  # finished before its kill: not a trial
        if process.returncode != 0:
            raise SystemExit(f"the build failed by itself: {log.read_text().strip()[-500:]}")
        raise FinishedFirst(time.perf_counter() - started)
    _, alive = psutil.wait_procs(children, timeout=10)
    if alive:
        problems.append(f"{len(alive)} worker(s) outlived the build: {[p.pid for p in alive]}")
        for orphan in alive:
            orphan.kill()
    state = tree(out)
    committed = (out / STATE_DIR / STAGING_NAME / SWAP_NAME).is_file()
    reusable = {} if committed else completed_splits(out)
    if state == expected and not committed:
        phase = "finished"  # killed after the swap, before the process ended
    else:
        phase = "swapping" if committed else f"{len(reusable)} split(s) done"
    if not committed and state not in (before, expected):
        problems.append("the previous output changed" if kind == "rebuild" else "OUT has files")
    started = time.perf_counter()
    rerun = subprocess.run(command(pipeline, out), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if rerun.returncode != 0:
        problems.append(f"rerun exited {rerun.returncode}: {rerun.stderr.strip()[-300:]}")
    elif tree(out) != expected:
        problems.append("rerun output differs from an uninterrupted build")
    rewritten = [
        name
        for name, files in reusable.items()
        if any(
            not (out / p).is_file() or (out / p).stat().st_ino != ino for p, ino in files.items()
        )
    ]
    if rewritten:
        problems.append(f"completed splits rebuilt instead of reused: {rewritten}")
    left = [directory for directory in parcels if directory.exists()]
    if left:
        problems.append(f"the killed build's parcels are left in /dev/shm: {left}")
    others = abandoned_parcel_dirs()  # another run's, killed meanwhile: reported only
    note = f"  (abandoned by other runs: {len(others)})" if others else ""
    phase += f", {len(parcels)} parcel dir"
    print(
        f"{kind:8s} kill {target:5s} at {delay:6.2f}s  {phase:30s} reused {sorted(reusable)}  "
        f"rerun {seconds:6.2f}s  {'OK' if not problems else 'FAIL: ' + '; '.join(problems)}"
        f"{note}",
        flush=True,
    )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--fresh", type=int, default=10)
    parser.add_argument("--rebuild", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/pairgen-kills"))
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments")
    parser.add_argument(
        "--window",
        type=float,
        nargs=2,
        default=(0.02, 0.9),
        help="kill moments: uniform between these fractions of a build's duration",
    )
    args = parser.parse_args()
    directory = args.dir / str(args.rows)
    old, new = (write_pipeline(directory, args.rows, seed, args.workers) for seed in (1, 2))
    reference = {name: directory / f"reference-{name}" for name in ("old", "new")}
    durations = []
    for name, pipeline in (("old", old), ("new", new)):
        shutil.rmtree(reference[name], ignore_errors=True)
        durations.append(run_build(pipeline, reference[name]))
        print(f"uninterrupted build ({name}): {durations[-1]:.2f}s", flush=True)
    duration = min(durations)  # kills land inside a build, even a faster one
    expected, previous = tree(reference["new"]), tree(reference["old"])
    rng = random.Random(args.seed)
    failures = 0
    out = directory / "out"
    plan = ["fresh"] * args.fresh + ["rebuild"] * args.rebuild
    for index, kind in enumerate(plan):
        target = ("group", "main")[index % 2]
        before = previous if kind == "rebuild" else {}
        while True:
            shutil.rmtree(out, ignore_errors=True)
            if kind == "rebuild":
                shutil.copytree(reference["old"], out, symlinks=True)
            delay = rng.uniform(*args.window) * duration
            try:
                failures += bool(trial(kind, target, delay, new, out, before, expected))
                break
            except FinishedFirst as early:  # the machine got faster: aim earlier
                duration = min(duration, early.args[0])
                print(
                    f"{kind:8s} finished in {early.args[0]:.2f}s, before its kill: again",
                    flush=True,
                )
    print(f"{len(plan) - failures}/{len(plan)} trials passed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
