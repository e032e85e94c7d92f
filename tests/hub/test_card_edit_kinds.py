"""The card's ``edit_kind`` table: per split, every kind of edit the shards hold, with its
count and share, read back from the real shards of a carried-tier MATH build and an ARC
build, in a fixed order, the same on every render."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.hub.card import write_card
from pairgen.hub.card_rows import EDIT_KIND_ORDER, edit_kind_rows
from pairgen.output.manifest import CARD_NAME, read_manifest
from pairgen.pipeline import build
from pairgen.strategies import StrategyOptions

AUDIT = Path(__file__).parent.parent / "data" / "math_audit.jsonl"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 real MATH500 rows (test) and 20 more (train) at the carried tier, and ARC-Easy."""
    root = tmp_path_factory.mktemp("edit-kinds")
    rows, seen = [], set()
    with AUDIT.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["row"] not in seen:
                seen.add(row["row"])
                rows.append({"problem": row["problem"], "solution": row["solution"]})
    files = {}
    for split, part in (("test", rows[:80]), ("train", rows[80:100])):
        path = root / f"math-{split}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        files[split] = [str(path)]
    out = root / "out"
    sources = (
        SourceSpec(source="hendrycks_math", backend="files", data_files=files),
        SourceSpec(source="arc", config="ARC-Easy"),
    )
    build(BuildSpec(out=out, sources=sources, options=StrategyOptions(math_tier="carried")))
    write_card(out)
    return out


def _counted_by_duckdb(out: Path) -> dict[tuple[str, str], Counter[str]]:
    """The kinds per config and split, counted by DuckDB from the shard files themselves."""
    manifest = read_manifest(out)
    counts: dict[tuple[str, str], Counter[str]] = {}
    for config, split, info in manifest.splits():
        paths = [str(out / shard.path) for shard in info.shards]
        if not paths:
            continue
        query = "SELECT coalesce(edit_kind, 'none'), count(*) FROM read_parquet(?) GROUP BY 1"
        found = duckdb.execute(query, [paths]).fetchall()
        counts[(config, split)] = Counter({kind: n for kind, n in found})
    return counts


def test_the_table_counts_every_pair_of_every_split(built: Path) -> None:
    rows = edit_kind_rows(built, read_manifest(built))
    expected = _counted_by_duckdb(built)
    got: dict[tuple[str, str], Counter[str]] = {}
    for row in rows:
        got.setdefault((row["config"], row["split"]), Counter())[row["kind"]] = row["pairs"]
    assert got == {key: value for key, value in expected.items() if value}
    math = [r for r in rows if r["kind"] != "choice"]
    assert {r["kind"] for r in math} <= {"result", "standalone", "carried"}
    assert {r["kind"] for r in rows if r["kind"] == "choice"} == {"choice"}
    # shares of one split add up to 100% (rounded), kinds in the documented order
    for key, kinds in got.items():
        shares = [float(r["share"].rstrip("%")) for r in rows if (r["config"], r["split"]) == key]
        assert abs(sum(shares) - 100) < 0.2 * len(shares)
        order = [r["kind"] for r in rows if (r["config"], r["split"]) == key]
        assert order == sorted(order, key=EDIT_KIND_ORDER.index)
        assert sum(kinds.values()) == read_manifest(built).configs[key[0]].splits[key[1]].pairs


def test_the_card_shows_the_table_and_renders_the_same_twice(built: Path) -> None:
    text = (built / CARD_NAME).read_text(encoding="utf-8")
    stats = text.split("## Statistics\n", 1)[1].split("\n## ", 1)[0]
    assert "| config | split | edit_kind | pairs | share |" in stats
    for row in edit_kind_rows(built, read_manifest(built)):
        line = f"| `{row['config']}` | `{row['split']}` | `{row['kind']}` | {row['pairs']:,} |"
        assert f"{line} {row['share']} |" in stats
    write_card(built)
    assert (built / CARD_NAME).read_text(encoding="utf-8") == text
