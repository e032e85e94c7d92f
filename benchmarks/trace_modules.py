"""How many pairgen modules a build walks through: the whole build, and one batch's path.

A reader who follows a batch from file to shard has to open every module it enters, so
this count is a measure of how far the row path is spread out (issue: "one batch walks
through 27 modules").  ``sys.setprofile`` records every Python function call; a call
counts for the module whose file it is in.  The build runs in this process with one
worker (``BuildSpec`` defaults), on the bundled GSM8K sample (no network).

- whole build: every pairgen module entered during ``build()`` (reading, pairing,
  measuring, writing, manifest, swap);
- batch path: the modules entered while a batch is read, paired and written, i.e. inside
  the reader's iteration, ``process_batch`` and the split writer, found as the modules
  on the call stack below those entry points.

Usage: python benchmarks/trace_modules.py [--source gsm8k] [--list]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

import pairgen
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline.run import build

PACKAGE = Path(pairgen.__file__).resolve().parent
BATCH_ENTRY = {("pairgen.pipeline.batch", "process_batch")}


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
        # is a batch entry point on the stack?  then this module is on the batch path
        f: FrameType | None = frame
        while f is not None:
            m = module_of(f)
            if m is not None and (m, f.f_code.co_name) in BATCH_ENTRY:
                batch_path.add(module)
                break
            f = f.f_back

    with tempfile.TemporaryDirectory() as tmp:
        spec = BuildSpec(out=Path(tmp) / "out", sources=(SourceSpec(args.source),))
        sys.setprofile(profile)
        try:
            build(spec)
        finally:
            sys.setprofile(None)
    print(f"source={args.source} whole_build_modules={len(whole)} batch_modules={len(batch_path)}")
    if args.list:
        print("whole build:", *sorted(whole), sep="\n  ")
        print("pairing a batch (process_batch and below):", *sorted(batch_path), sep="\n  ")


if __name__ == "__main__":
    main()
