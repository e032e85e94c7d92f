"""Install pairgen from its wheel as a user would, and use it outside the source tree.

``make wheel-check`` (run by CI) builds the wheel, installs it into a fresh virtualenv
under /tmp *without* the ``train`` extra, and from a folder outside the checkout runs:
``--version``, a build from the bundled samples, a build from a local file, a shipped
pipeline by name, stats, card, validate, a ready query by name, and publish (dry run,
then a real commit) against the local test Hub (tests/hub_server.py, loopback only).
It checks that torch and transformers are absent there, that ``pairgen train`` then says
which extra to install in one line, and that no path of this machine is in the card.

Every command and its last output line are printed (the transcript for the notes), and
the virtualenv's size.  ``--with-train`` also installs ``pairgen[train]`` into a second
virtualenv to measure its size (gigabytes; not run by CI).

Usage: python tests/install/wheel_check.py [--python python3] [--keep] [--with-train]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from hub_server import TEST_REPO, TEST_TOKEN, FakeHub  # noqa: E402

# What the wheel must carry besides code (importlib.resources reads them from there).
PACKAGE_DATA = (
    "pairgen/hub/templates/_base.md",
    "pairgen/query/sql/reject_reasons.sql",
    "pairgen/config/pipelines/demo.yaml",
    "pairgen/sources/samples/gsm8k/main/train.jsonl",
    "pairgen/py.typed",
)
GSM8K_ROWS = [
    {
        "question": f"Ann has {n} pens and buys {n + 3} more. She gives 2 away. How many "
        "pens does she have?",
        # two steps: the last one computes the final answer, which is never edited
        "answer": f"She has {n} + {n + 3} = <<{n}+{n + 3}={2 * n + 3}>>{2 * n + 3} pens.\n"
        f"After giving 2 away, {2 * n + 3} - 2 = <<{2 * n + 3}-2={2 * n + 1}>>{2 * n + 1}.\n"
        f"#### {2 * n + 1}",
    }
    for n in range(1, 13)
]


class Check:
    """Runs commands in the work folder, prints a transcript line each, fails loudly."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work = work
        self.env = env

    def run(self, *args: str, expect: int = 0, env: dict[str, str] | None = None) -> str:
        started = time.perf_counter()
        done = subprocess.run(
            args,
            cwd=self.work,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        output = (done.stdout + done.stderr).strip()
        shown_output = done.stdout.strip() or done.stderr.strip()  # progress bars go to stderr
        last = shown_output.splitlines()[-1] if shown_output else ""
        shown = " ".join(a if " " not in a else repr(a) for a in args)
        print(f"$ {shown}  [exit {done.returncode}, {time.perf_counter() - started:.1f} s]")
        print(f"  {last}")
        if done.returncode != expect:
            print(output, file=sys.stderr)
            raise SystemExit(f"wheel check failed: {shown} exited {done.returncode}, not {expect}")
        return output


def build_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dest), str(ROOT)],
        check=True,
    )
    (wheel,) = dest.glob("pairgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    if missing:
        raise SystemExit(f"wheel check failed: the wheel lacks {', '.join(missing)}")
    print(f"built {wheel.name}: {len(names)} files, package data present")
    return wheel


def make_venv(python: str, where: Path, *requirements: str) -> Path:
    """A fresh virtualenv with ``requirements`` installed one after the other."""
    started = time.perf_counter()
    subprocess.run([python, "-m", "venv", str(where)], check=True)
    pip = [str(where / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    for requirement in requirements:
        subprocess.run([*pip, requirement], check=True)
    size = subprocess.run(["du", "-sh", str(where)], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    names = ", ".join(Path(r).name if r.endswith(".whl") else r for r in requirements)
    print(f"venv {where.name} ({names}): {size.stdout.split()[0]}, installed in {seconds:.0f} s")
    return where / "bin"


def check_core(bin_dir: Path, work: Path) -> None:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env["HF_HUB_OFFLINE"] = "1"
    check = Check(work, env)
    python = str(bin_dir / "python")
    (work / "train.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in GSM8K_ROWS), encoding="utf-8"
    )
    version = check.run("pairgen", "--version")
    check.run(python, "-c", "import torch", expect=1)
    check.run(python, "-c", "import transformers", expect=1)
    check.run("pairgen", "build", "--source", "arc", "--config", "ARC-Easy", "--out", "out/sample")
    files = ["--from", "files", "--data-files", "train=train.jsonl"]
    check.run("pairgen", "build", "--source", "gsm8k", *files, "--out", "out/files")
    check.run("pairgen", "build", "demo")
    if not (work / "out" / "demo" / "manifest.json").is_file():
        raise SystemExit("wheel check failed: `pairgen build demo` did not write ./out/demo")
    check.run("pairgen", "stats", "out/files")
    check.run("pairgen", "card", "out/files")
    check.run("pairgen", "card", "out/sample")
    check.run("pairgen", "validate", "out/files")
    check.run("pairgen", "query", "out/files", "--file", "reject_reasons")
    check.run("pairgen", "query", "out/demo", "--file", "edit_distance_histogram.sql")
    refused = check.run("pairgen", "train", "out/files", "--run-dir", "runs/x", expect=2)
    if "pairgen[train]" not in refused or len(refused.splitlines()) != 1:
        raise SystemExit("wheel check failed: a missing train extra is not one line naming it")
    for card in (work / "out" / "files" / "README.md", work / "out" / "sample" / "README.md"):
        text = card.read_text(encoding="utf-8")
        for local in (str(work), str(bin_dir.parent), str(ROOT)):
            if local in text:
                raise SystemExit(f"wheel check failed: {card} names the local path {local}")
    hub_env = {
        "HF_HUB_OFFLINE": "0",
        "HF_TOKEN": TEST_TOKEN,
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HOME": str(work / "hf-home"),
    }
    with FakeHub(token=TEST_TOKEN) as hub:
        hub_env["HF_ENDPOINT"] = hub.url
        check.run("pairgen", "publish", "out/files", "--repo", TEST_REPO, "--dry-run", env=hub_env)
        if hub.writes():
            raise SystemExit("wheel check failed: --dry-run sent a write request")
        check.run("pairgen", "publish", "out/files", "--repo", TEST_REPO, env=hub_env)
        if "README.md" not in hub.files(TEST_REPO):
            raise SystemExit("wheel check failed: the publish did not commit the card")
    print(f"core install OK ({version.splitlines()[0]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3", help="interpreter for the virtualenvs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--with-train", action="store_true", help="also measure [train]")
    parser.add_argument(
        "--torch-spec", default="torch==2.13.0", help="torch to install first for --with-train"
    )
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="pairgen-wheel-", dir="/tmp"))
    try:
        wheel = build_wheel(temp / "dist")
        bin_dir = make_venv(args.python, temp / "core", str(wheel))
        work = temp / "work"
        work.mkdir()
        check_core(bin_dir, work)
        if args.with_train:
            make_venv(
                args.python, temp / "train", args.torch_spec, f"pairgen[train] @ {wheel.as_uri()}"
            )
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
