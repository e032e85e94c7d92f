"""Test data shared across test modules: GSM8K rows in the Hub schema and build helpers.

A plain module (not conftest.py) so tests import it by a name no other test folder uses.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.metrics import edit_stats
from pairgen.output.manifest import Manifest
from pairgen.pipeline import build
from pairgen.record import Example

GSM8K_ROWS: list[dict[str, Any]] = [
    {
        "question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
        "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72",
    },
    {
        "question": "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
        "answer": "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10",
    },
    {
        "question": "A store sold 1,200 apples on Monday and 2,350 on Tuesday. 450 of them were returned. How many sold apples were not returned?",
        "answer": "It sold 1,200 + 2,350 = <<1200+2350=3550>>3,550 apples.\n3,550 - 450 = <<3550-450=3100>>3,100 were not returned.\n#### 3,100",
    },
    {
        "question": "What is the answer to this riddle with no arithmetic?",
        "answer": "There is nothing to compute here.\n#### 7",
    },
]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def gsm8k_rows(n: int) -> list[dict[str, Any]]:
    """``n`` GSM8K rows made by cycling the fixture rows (ids differ by position)."""
    return [GSM8K_ROWS[i % len(GSM8K_ROWS)] for i in range(n)]


def build_files(out: Path, files: dict[str, list[str]], **settings: Any) -> Manifest:
    spec = BuildSpec(
        out=out,
        sources=(SourceSpec(source="gsm8k", backend="files", data_files=files),),
        **settings,
    )
    return build(spec).manifest


def edit_start(pair: Example) -> int:
    """Where the build says a pair's edit starts: the common prefix of chosen and rejected,
    measured by the function the build measures it with (no strategy states it)."""
    return int(edit_stats([pair.chosen], [pair.rejected]).common_prefix[0])


def stored_row(pair: Example, prompt: str, source: str) -> dict[str, Any]:
    """A pair as a shard row holds it, for a strategy's checks: its fields, the prompt it
    is asked under, the source, and the ``edit_start`` the build measures."""
    return {**asdict(pair), "prompt": prompt, "source": source, "edit_start": edit_start(pair)}
