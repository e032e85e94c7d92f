"""``pairgen validate`` checks what a pair claims, not only its shape: consistent tampering.

Each case doctors a real build the way a careful tamperer would: the text is changed,
the statistics are recomputed to match, and the manifest's checksums, sizes and counts
are updated.  ``rows_sha256`` (the per-split digest over ids, prompts and completions)
catches every such change unless it is recomputed too; the checks of what each pair
claims catch what they can prove even then.  What only the source rows can prove is
left to the source-row recheck (test_validate_source_rows.py) and ``validate --rebuild``
(test_validate_rebuild.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tamper import edit_manifest, rewrite_shard, set_values, with_recomputed_char_stats

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build
from pairgen.strategies.arithmetic.results import find_results
from pairgen.validate.run import validate_output

GSM8K = "data/gsm8k/train-00000-of-00001.parquet"
METAMATH = "data/metamath/train-00000-of-00001.parquet"
ARC = "data/arc-challenge/train-00000-of-00001.parquet"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("claims") / "out"
    sources = (
        SourceSpec(source="gsm8k"),
        SourceSpec(source="metamath"),
        SourceSpec(source="arc", config="ARC-Challenge"),
    )
    build(BuildSpec(out=out, sources=sources))
    return out


def found(out: Path) -> list[tuple[str, int | None, str, str]]:
    """What the output alone proves: the source-row recheck, which catches several of
    these tamperings too, is left out (test_validate_source_rows.py runs it)."""
    report = validate_output(out, source_rows=False)
    return [(v.shard, v.row, v.check, v.reason) for v in report.violations]


def rows_of(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()  # type: ignore[no-any-return]


def from_rows(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def edit_rows(edit: Any) -> Any:
    """A shard edit over the rows as dicts, statistics recomputed afterwards."""

    def apply(table: pa.Table) -> pa.Table:
        rows = rows_of(table)
        edit(rows)
        return with_recomputed_char_stats(from_rows(rows, table.schema))

    return apply


def turn_around(row: dict[str, Any]) -> None:
    row["chosen"], row["rejected"] = row["rejected"], row["chosen"]
    row["chosen_value"], row["rejected_value"] = row["rejected_value"], row["chosen_value"]


def test_the_clean_build_is_valid(built: Path) -> None:
    assert found(built) == []


# -- chosen and rejected swapped, with their values and statistics ------------------------
@pytest.mark.parametrize("digest", [False, True])
def test_a_gsm8k_pair_turned_around_fails(out: Path, digest: bool) -> None:
    rewrite_shard(out, GSM8K, edit_rows(lambda rows: turn_around(rows[0])), digest=digest)
    problems = found(out)
    assert (GSM8K, 0, "arithmetic", "arithmetic pair: chosen_annotation_wrong") in problems
    assert any(check == "rows_sha256" for *_, check, _ in problems) is not digest


def test_a_choice_pair_turned_around_fails(out: Path) -> None:
    rewrite_shard(out, ARC, edit_rows(lambda rows: turn_around(rows[1])))
    problems = found(out)
    # reported at the question's first row, naming the question
    assert problems == [
        (ARC, 0, "choice", "question 'PG_ARCC_T001': pairs of one question disagree on chosen")
    ]


# -- a wrong value written into chosen ------------------------------------------------------
def write_value(row: dict[str, Any], value: str) -> None:
    """``value`` in place of the chosen's edited result (annotation and visible number)."""
    text = row["chosen"]
    start, end, ann_start, ann_end = next(
        r
        for r in find_results(text)
        # the edit starts inside (or right after) the first changed token
        if (r[2] if r[2] >= 0 else r[0]) <= row["edit_start"] <= (r[3] if r[2] >= 0 else r[1])
    )
    if ann_start < 0:
        row["chosen"] = text[:start] + value + text[end:]
    else:
        row["chosen"] = text[:ann_start] + value + text[ann_end:start] + value + text[end:]
    row["chosen_value"] = value


def other_value(row: dict[str, Any]) -> str:
    """A value of the chosen one's format that is neither the chosen nor the rejected one."""
    old = row["chosen_value"]
    digits = [c for c in old if c.isdigit()]
    for new_digit in "123456789":
        candidate = old.replace(digits[0], new_digit, 1)
        if candidate not in (old, row["rejected_value"]):
            return str(candidate)
    raise AssertionError(old)


def test_a_wrong_value_in_a_gsm8k_chosen_fails_even_with_every_checksum_updated(out: Path) -> None:
    rewrite_shard(out, GSM8K, edit_rows(lambda rows: write_value(rows[1], other_value(rows[1]))))
    assert found(out) == [(GSM8K, 1, "arithmetic", "arithmetic pair: chosen_annotation_wrong")]


def test_a_wrong_value_in_a_metamath_chosen_fails_its_digest(out: Path) -> None:
    rewrite_shard(
        out,
        METAMATH,
        edit_rows(lambda rows: write_value(rows[0], other_value(rows[0]))),
        digest=False,
    )
    (problem,) = found(out)
    assert problem[0] == "manifest.json metamath/train" and problem[2] == "rows_sha256"
    assert "an id, prompt or completion changed" in problem[3]


# -- prompts swapped between two rows --------------------------------------------------------
def swap_prompts(first: int, second: int) -> Any:
    def edit(table: pa.Table) -> pa.Table:
        prompts = table.column("prompt").to_pylist()
        prompts[first], prompts[second] = prompts[second], prompts[first]
        return set_values(table, "prompt", prompts)

    return edit


def test_swapped_gsm8k_prompts_fail_the_digest(out: Path) -> None:
    rewrite_shard(out, GSM8K, swap_prompts(0, 1), digest=False)
    (problem,) = found(out)
    assert problem[:3] == ("manifest.json gsm8k/train", None, "rows_sha256")


def test_swapped_arc_prompts_fail_even_with_the_digest_updated(out: Path) -> None:
    rewrite_shard(out, ARC, swap_prompts(0, 3))  # two questions
    problems = found(out)
    for row in (0, 3):
        assert (
            ARC,
            row,
            "choice",
            f"choice pair: chosen is not the text the prompt lists as choice "
            f"({rows_of(pq.read_table(out / ARC))[row]['chosen_value']})",
        ) in problems


# -- a deleted row, with the counts adjusted --------------------------------------------------
def delete_row(index: int) -> Any:
    def edit(table: pa.Table) -> pa.Table:
        return pa.concat_tables([table.slice(0, index), table.slice(index + 1)])

    return edit


def test_a_deleted_gsm8k_row_with_counts_adjusted_fails_the_digest(out: Path) -> None:
    rewrite_shard(out, GSM8K, delete_row(3), digest=False)

    def fewer_rows(manifest: dict[str, Any]) -> None:
        split = manifest["configs"]["gsm8k"]["splits"]["train"]
        split["rows_in"] -= 1
        split["rows_paired"] -= 1

    edit_manifest(out, fewer_rows)
    (problem,) = found(out)
    assert problem[:3] == ("manifest.json gsm8k/train", None, "rows_sha256")


def test_a_deleted_arc_pair_fails_even_with_the_digest_updated(out: Path) -> None:
    rewrite_shard(out, ARC, delete_row(1))
    problems = found(out)
    assert any(
        check == "choice" and "question 'PG_ARCC_T001'" in reason and "0..1" in reason
        for *_, check, reason in problems
    ), problems
