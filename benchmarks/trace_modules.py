"""How many pairgen modules a build walks through: the whole build, and one split's path
from its files to its shards.

A reader who follows a batch from file to shard has to open every module it enters, so
this count is a measure of how far the row path is spread out (issue: "one batch walks
through 27 modules").  ``sys.setprofile`` (and ``threading.setprofile``, for the thread
that compresses shards) records every Python function call, module bodies run by a lazy
import included; a call counts for the module whose file it is in.  The build runs in
this process with one worker (``BuildSpec`` defaults), on the bundled GSM8K sample (no
network).

- whole build: every pairgen module entered during ``build()`` (resolving, reading,
  pairing, measuring, writing, manifest, swap);
- batch path: the modules entered while a split goes from its files to its shards: below
  the function that runs one split's row path (:data:`SPLIT_ENTRY`), and on the writer
  thread, which exists only to write that split's shards.

Usage: python benchmarks/trace_modules.py [--source gsm8k] [--list]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import pairgen
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline.run import build

PACKAGE = Path(pairgen.__file__).resolve().parent
# the function that takes one split from its input files to its shards and rejects file
SPLIT_ENTRY = {("pairgen.pipeline.run", "write_split"), ("pairgen.pipeline.steps", "run_split")}
WRITER_THREAD = "pairgen-writer"  # pairgen.pipeline.writer.in_background's thread


def module_of(frame: FrameType) -> str | None:
    path = Path(frame.f_code.co_filename)
    try:
        rel = path.resolve().relative_to(PACKAGE.parent)
    except ValueError:
        return None
    parts = rel.with_suffix("").parts
    if parts[0] != "pairgen":
        return None
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="gsm8k")
    parser.add_argument("--list", action="store_true", help="print the module names")
    args = parser.parse_args()

    whole: set[str] = set()
    batch_path: set[str] = set()

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call":
            return
        module = module_of(frame)
        if module is None:
            return
        whole.add(module)
        if threading.current_thread().name.startswith(WRITER_THREAD):
            batch_path.add(module)
            return
        # is the split's entry point on the stack?  then this module is on the batch path
        f: FrameType | None = frame
        while f is not None:
            m = module_of(f)
            if m is not None and (m, f.f_code.co_name) in SPLIT_ENTRY:
                batch_path.add(module)
                break
            f = f.f_back

    with tempfile.TemporaryDirectory() as tmp:
        spec = BuildSpec(out=Path(tmp) / "out", sources=(SourceSpec(args.source),))
        sys.setprofile(profile)
        threading.setprofile(profile)
        try:
            build(spec)
        finally:
            threading.setprofile(None)  # type: ignore[arg-type]
            sys.setprofile(None)
    print(f"source={args.source} whole_build_modules={len(whole)} batch_modules={len(batch_path)}")
    if args.list:
        print("whole build:", *sorted(whole), sep="\n  ")
        print("a split from files to shards:", *sorted(batch_path), sep="\n  ")


if __name__ == "__main__":
    main()
