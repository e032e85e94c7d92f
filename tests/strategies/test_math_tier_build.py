"""``--math-tier`` end to end: the flag and the pipeline key reach the strategy, the build
records the option and every pair's ``edit_kind``, and ``pairgen validate`` holds a carried
pair to the carried tier's rule (real processes, real shards, real MATH500 rows)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pairgen.config.merge import BuildFlags, build_spec

AUDIT = Path(__file__).parent.parent / "data" / "math_audit.jsonl"


def _pairgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def math_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 distinct MATH500 rows of the audit set, in the MATH schema."""
    seen: set[int] = set()
    rows = []
    with AUDIT.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["row"] not in seen and len(rows) < 60:
                seen.add(row["row"])
                rows.append({"problem": row["problem"], "solution": row["solution"]})
    path = tmp_path_factory.mktemp("math") / "test.jsonl"
    for row in rows:
        row.update(level="Level 1", type="Algebra")
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _build(rows: Path, out: Path, *flags: str) -> Counter[str]:
    done = _pairgen(
        "build",
        "--source",
        "hendrycks_math",
        "--data-files",
        f"test={rows}",
        "--out",
        str(out),
        *flags,
    )
    assert done.returncode == 0, done.stderr
    shard = next((out / "data").rglob("*.parquet"))
    return Counter(pq.read_table(shard).column("edit_kind").to_pylist())


def test_math_tier_flag_reaches_the_pairs_and_validates(math_rows: Path, tmp_path: Path) -> None:
    strict = _build(math_rows, tmp_path / "strict")
    assert set(strict) <= {"result", "standalone"}
    carried = _build(math_rows, tmp_path / "carried", "--math-tier", "carried")
    assert carried["carried"] >= 1
    assert sum(carried.values()) > sum(strict.values())  # rows without a strict site pair
    manifest = json.loads((tmp_path / "carried" / "manifest.json").read_text())
    assert manifest["options"]["math_tier"] == "carried"
    for out in ("strict", "carried"):
        done = _pairgen("validate", str(tmp_path / out))
        assert done.returncode == 0, done.stdout + done.stderr


def test_unknown_math_tier_is_refused_in_one_line(math_rows: Path, tmp_path: Path) -> None:
    done = _pairgen(
        "build", "--source", "hendrycks_math", "--data-files", f"test={math_rows}",
        "--math-tier", "loose", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert done.returncode == 2
    assert "unknown math tier 'loose'; choose from strict, carried" in done.stderr


def test_pipeline_file_key(tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text("out: o\noptions: {math_tier: carried}\nsources: [{source: metamath}]\n")
    assert build_spec(BuildFlags(pipeline=pipeline)).options["math_tier"] == "carried"
    spec = build_spec(BuildFlags(pipeline=pipeline, options={"math_tier": "strict"}))
    assert spec.options["math_tier"] == "strict"  # the flag wins
