"""A restricted query reads the build's shards and nothing else (real DuckDB, real files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.output.files import file_sha256
from pairgen.pipeline import build
from pairgen.query.catalog import open_catalog, run_query, shard_files


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sandbox") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"),)))
    return out


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another build: its shards are files outside ``out`` a query must not read."""
    other = tmp_path_factory.mktemp("other") / "out"
    build(BuildSpec(out=other, sources=(SourceSpec(source="arc", config="ARC-Easy"),)))
    return other


def shard(out: Path) -> Path:
    return shard_files(out)[0][0].resolve()


# Each of these must fail on a restricted connection; {shard}, {other}, {tmp} are filled in.
BLOCKED = {
    "copy_over_a_shard": "COPY (SELECT 1 AS a) TO '{shard}' (FORMAT parquet, use_tmp_file false)",
    "copy_to_a_new_file": "COPY (SELECT 1 AS a) TO '{tmp}/new.csv'",
    "read_any_text_file": "SELECT * FROM read_text('/etc/passwd')",
    "read_another_build": "SELECT count(*) FROM read_parquet('{other}')",
    "glob_the_disk": "SELECT * FROM glob('/etc/*')",
    "attach_a_database": "ATTACH '{tmp}/x.duckdb' AS x",
    "install_an_extension": "INSTALL httpfs",
    "load_an_extension": "LOAD httpfs",
    "unlock_the_settings": "SET enable_external_access = true",
    "export_the_database": "EXPORT DATABASE '{tmp}/export'",
    "prepare_a_copy": "PREPARE p AS COPY (SELECT 1) TO '{tmp}/p.csv'; EXECUTE p",
    "read_a_url": "SELECT * FROM read_csv('https://example.com/x.csv')",
}


@pytest.mark.parametrize("name", sorted(BLOCKED))
def test_restricted_query_refuses(name: str, out: Path, other: Path, tmp_path: Path) -> None:
    before = file_sha256(shard(out))
    sql = BLOCKED[name].format(shard=shard(out), other=shard(other), tmp=tmp_path)
    with pytest.raises(PairgenError, match="add --unrestricted") as caught:
        run_query(open_catalog(out), sql)
    assert "\n" not in str(caught.value)
    assert file_sha256(shard(out)) == before
    assert list(tmp_path.iterdir()) == []


def test_restricted_query_still_reads_its_own_shards_by_path(out: Path) -> None:
    con = open_catalog(out)
    listed = ", ".join(f"'{p.resolve()}'" for p in shard_files(out)[0])
    (total,) = run_query(con, f"SELECT count(*) AS n FROM read_parquet([{listed}])")["n"]
    (in_view,) = run_query(con, "SELECT count(*) AS n FROM pairs")["n"]
    assert total.as_py() == in_view.as_py() > 0
    # in-memory work stays possible: tables, macros, variables
    run_query(con, "CREATE TABLE t AS SELECT * FROM pairs; SET VARIABLE k = 2")
    (n,) = run_query(con, "SELECT count(*) * getvariable('k') AS n FROM t")["n"]
    assert n.as_py() == 2 * total.as_py()


def test_unrestricted_gives_duckdb_its_powers_back(out: Path, tmp_path: Path) -> None:
    con = open_catalog(out, unrestricted=True)
    run_query(con, f"COPY (SELECT id FROM pairs) TO '{tmp_path}/ids.csv'")
    assert (tmp_path / "ids.csv").read_text(encoding="utf-8").startswith("id\n")


def test_cli_prints_one_error_line_and_exits_2(
    out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["query", str(out), f"COPY (SELECT 1) TO '{tmp_path}/x.csv'"])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: query refused: COPY is not allowed") and "\n" not in err
    main(["query", str(out), f"COPY (SELECT 1 AS a) TO '{tmp_path}/x.csv'", "--unrestricted"])
    assert (tmp_path / "x.csv").read_text(encoding="utf-8") == "a\n1\n"


def test_a_multi_line_duckdb_error_is_printed_whole_on_one_line(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["query", str(out), "SELECT promt FROM pairs"])
    err = capsys.readouterr().err.strip()
    assert "not found in FROM clause" in err and 'Candidate bindings: "prompt"' in err
    assert "\n" not in err


def test_a_symlinked_or_escaping_shard_is_refused(out: Path, other: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    target = shard_files(copy)[0][0]
    target.unlink()
    target.symlink_to(shard(other))
    with pytest.raises(PairgenError, match="is a symlink"):
        open_catalog(copy)
    # a manifest-less folder whose data/<config> is a link out of it
    bare = tmp_path / "bare"
    (bare / "data").mkdir(parents=True)
    (bare / "data" / "linked").symlink_to(shard(other).parent, target_is_directory=True)
    with pytest.raises(PairgenError, match=r"data/linked: is a symlink"):
        open_catalog(bare)
