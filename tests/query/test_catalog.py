"""``pairgen query``: real DuckDB over real shards, checked against pyarrow."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.output.files import file_sha256
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build
from pairgen.query.catalog import SUMMARY_SQL, open_catalog, run_query, shard_files, view_sources

QUERIES = Path(__file__).resolve().parents[2] / "pairgen" / "query" / "sql"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of two arithmetic and two choice sources (all bundled samples)."""
    out = tmp_path_factory.mktemp("query") / "out"
    sources = (
        SourceSpec(source="gsm8k"),
        SourceSpec(source="metamath"),
        SourceSpec(source="arc", config="ARC-Challenge"),
        # the unlabeled test split named and kept: a split of rejects only, in the summary
        SourceSpec(source="hellaswag", splits=("train", "validation", "test")),
    )
    build(BuildSpec(out=out, sources=sources, allow_rejects=True))
    return out


def all_pairs(out: Path) -> pa.Table:
    pairs, _ = shard_files(out)
    return pa.concat_tables(pq.read_table(p) for p in pairs)


def all_rejects(out: Path) -> pa.Table:
    _, rejects = shard_files(out)
    return pa.concat_tables(pq.read_table(p) for p in rejects)


def rows_by(table: pa.Table, keys: list[str]) -> dict[tuple[str, ...], dict[str, object]]:
    return {tuple(str(row[k]) for k in keys): row for row in table.to_pylist()}


def test_group_by_query_equals_pyarrow(out: Path) -> None:
    con = open_catalog(out)
    got = run_query(
        con,
        "SELECT source, split, count(*) AS n, avg(norm_edit_distance) AS ned FROM pairs GROUP BY ALL",
    )
    expected = (
        all_pairs(out)
        .group_by(["source", "split"])
        .aggregate([("id", "count"), ("norm_edit_distance", "mean")])
    )
    got_rows = rows_by(got, ["source", "split"])
    want_rows = rows_by(expected, ["source", "split"])
    assert set(got_rows) == set(want_rows)
    assert len(got_rows) >= 6  # four sources, several splits each
    for key, want in want_rows.items():
        assert got_rows[key]["n"] == want["id_count"]
        assert got_rows[key]["ned"] == pytest.approx(want["norm_edit_distance_mean"], rel=1e-12)


def test_summary_query_counts_pairs_rejects_and_quantiles(out: Path) -> None:
    summary = rows_by(run_query(open_catalog(out), SUMMARY_SQL), ["config", "split"])
    manifest = read_manifest(out)
    pairs = all_pairs(out)
    for config, split, info in manifest.splits():
        row = summary[(config, split)]
        assert row["pairs"] == info.pairs
        assert row["rows_paired"] == info.rows_paired
        assert row["rejects"] == info.rows_rejected
        mask = pc.and_(pc.equal(pairs["config"], config), pc.equal(pairs["split"], split))
        ned = pairs.filter(mask)["norm_edit_distance"].to_numpy()
        if ned.size:
            assert row["ned_median"] == pytest.approx(
                float(pc.approximate_median(ned).as_py()), abs=0.02
            )
            assert row["ned_mean"] == pytest.approx(ned.mean(), rel=1e-12)
    # HellaSwag's test split is unlabeled: all rejects, no pairs, still in the summary
    assert summary[("hellaswag", "test")]["pairs"] == 0
    assert summary[("hellaswag", "test")]["rejects"] > 0


@pytest.mark.parametrize("query", sorted(QUERIES.glob("*.sql")), ids=lambda p: p.stem)
def test_ready_made_queries_run_and_say_what_they_answer(out: Path, query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    assert text.startswith("--"), "each query opens with a comment saying what it answers"
    result = run_query(open_catalog(out), text)
    assert result.num_rows > 0


def test_histogram_queries_account_for_every_pair(out: Path) -> None:
    con = open_catalog(out)
    total = all_pairs(out).num_rows
    for name in ("edit_distance_histogram", "shared_suffix_tokens", "first_diff_position"):
        result = run_query(con, (QUERIES / f"{name}.sql").read_text(encoding="utf-8"))
        assert pc.sum(result["pairs"]).as_py() == total, name


def test_reject_reasons_query_matches_the_rejects_files(out: Path) -> None:
    result = run_query(
        open_catalog(out), (QUERIES / "reject_reasons.sql").read_text(encoding="utf-8")
    )
    got = {(r["config"], r["split"], r["reason"]): r["rows"] for r in result.to_pylist()}
    rejects = (
        all_rejects(out).group_by(["config", "split", "reason"]).aggregate([("reason", "count")])
    )
    want = {(r["config"], r["split"], r["reason"]): r["reason_count"] for r in rejects.to_pylist()}
    assert got == want


def test_db_file_keeps_the_views_for_other_tools(out: Path, tmp_path: Path) -> None:
    db = tmp_path / "pairs.duckdb"
    open_catalog(out, db=db).close()
    with duckdb.connect(str(db), read_only=True) as con:
        (count,) = con.execute("SELECT count(*) FROM pairs").fetchone() or (None,)
        (rejects,) = con.execute("SELECT count(*) FROM rejects").fetchone() or (None,)
    assert count == all_pairs(out).num_rows
    assert rejects == all_rejects(out).num_rows


def test_cli_csv_and_json_agree_and_shards_stay_untouched(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs, _ = shard_files(out)
    before = {p: file_sha256(p) for p in pairs}
    sql = "SELECT id, source, levenshtein FROM pairs ORDER BY id"
    main(["query", str(out), sql, "--format", "csv"])
    csv_rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    main(["query", str(out), sql, "--json"])
    json_rows = json.loads(capsys.readouterr().out)
    assert len(csv_rows) == len(json_rows) == all_pairs(out).num_rows
    assert [r["id"] for r in csv_rows] == [r["id"] for r in json_rows]
    assert [int(r["levenshtein"]) for r in csv_rows] == [r["levenshtein"] for r in json_rows]
    assert {p: file_sha256(p) for p in pairs} == before


def test_cli_reads_sql_from_a_file_and_prints_a_table(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["query", str(out), "--file", str(QUERIES / "length_stats.sql")])
    printed = capsys.readouterr().out
    groups = all_pairs(out).group_by(["source", "split"]).aggregate([]).num_rows
    assert printed.rstrip().endswith(f"{groups} rows")
    assert "┃" in printed and "metam" in printed


def test_conversational_shards_are_queryable(tmp_path: Path) -> None:
    out = tmp_path / "conv"
    build(
        BuildSpec(
            out=out, sources=(SourceSpec(source="arc", config="ARC-Easy"),), format="conversational"
        )
    )
    result = run_query(
        open_catalog(out), "SELECT chosen[1].role AS role, count(*) AS n FROM pairs GROUP BY 1"
    )
    assert result.to_pylist() == [{"role": "assistant", "n": all_pairs(out).num_rows}]


def test_missing_shard_and_bad_sql_are_one_line_errors(tmp_path: Path, out: Path) -> None:
    with pytest.raises(PairgenError, match=r"query failed: .*nope"):
        run_query(open_catalog(out), "SELECT nope FROM pairs")
    with pytest.raises(PairgenError, match=r"no manifest\.json and no data"):
        open_catalog(tmp_path)
    copy = tmp_path / "copy"
    build(BuildSpec(out=copy, sources=(SourceSpec(source="gsm8k"),)))
    shard = shard_files(copy)[0][0]
    shard.unlink()
    with pytest.raises(PairgenError, match=f"{shard.name}: listed in manifest.json but missing"):
        open_catalog(copy)


def test_hub_targets_read_the_hub_layout_globs() -> None:
    pairs_sql, rejects_sql = view_sources("hf://datasets/me/pairs")
    assert "'hf://datasets/me/pairs/data/*/*.parquet'" in pairs_sql
    assert "'hf://datasets/me/pairs/rejects/*/*.parquet'" in rejects_sql


def test_repeated_column_names_keep_every_column(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = (
        "SELECT a.source, b.source, a.id FROM pairs a JOIN pairs b USING (id) ORDER BY a.id LIMIT 3"
    )
    main(["query", str(out), sql, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["source", "source", "id"]
    assert all(len(row) == 3 and row[0] == row[1] for row in rows[1:])
    main(["query", str(out), sql, "--json"])
    records = json.loads(capsys.readouterr().out)
    assert all(set(r) == {"source", "source_2", "id"} for r in records)


def test_a_damaged_rejects_file_is_a_clear_error(tmp_path: Path) -> None:
    build(BuildSpec(out=tmp_path / "o", sources=(SourceSpec(source="gsm8k"),)))
    rejects = tmp_path / "o/rejects/gsm8k/train.parquet"
    rejects.write_bytes(rejects.read_bytes()[:100])
    with pytest.raises(PairgenError, match="cannot read rejects"):
        open_catalog(tmp_path / "o")


@pytest.mark.parametrize("output_format", ["standard", "conversational"])
def test_a_build_without_any_pair_shard_is_queryable(tmp_path: Path, output_format: str) -> None:
    """Every row rejected (HellaSwag's unlabeled test split): no shard is written, and
    ``pairs`` is an empty view with the shard columns and types; ``rejects`` has the rows."""
    out = tmp_path / "out"
    spec = BuildSpec(
        out=out,
        sources=(SourceSpec(source="hellaswag", splits=("test",)),),
        format=output_format,
        allow_rejects=True,
    )
    build(spec)
    assert shard_files(out)[0] == []
    con = open_catalog(out)
    pairs = run_query(con, "SELECT * FROM pairs")
    assert pairs.num_rows == 0
    rejects = run_query(con, "SELECT reason, count(*) AS n FROM rejects GROUP BY 1")
    assert rejects.column("reason").to_pylist() == ["unlabeled"]
    assert rejects.column("n").to_pylist() == [
        read_manifest(out).configs["hellaswag"].splits["test"].rows_rejected
    ]
    chosen_type = run_query(con, "SELECT chosen FROM pairs").schema.field("chosen").type
    assert pa.types.is_list(chosen_type) == (output_format == "conversational")
