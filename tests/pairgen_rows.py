"""Test data shared across test modules: GSM8K rows in the Hub schema and build helpers.

A plain module (not conftest.py) so tests import it by a name no other test folder uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.output.manifest import Manifest
from pairgen.pipeline import build

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
