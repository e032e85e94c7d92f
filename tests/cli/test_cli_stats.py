"""``pairgen stats``: summary numbers equal a numpy computation, plots are real PNGs."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build
from pairgen.query.catalog import open_catalog, shard_files
from pairgen.query.plots import load_plot_data

PLOTS = ("edit_distance.png", "shared_suffix.png", "first_diff_position.png")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stats") / "out"
    sources = (
        SourceSpec(source="gsm8k"),
        SourceSpec(source="arc", config="ARC-Easy"),
        SourceSpec(source="hellaswag"),
    )
    build(BuildSpec(out=out, sources=sources))
    return out


def pairs_table(out: Path) -> pa.Table:
    return pa.concat_tables(pq.read_table(p) for p in shard_files(out)[0])


def test_summary_json_matches_numpy_and_the_manifest(
    out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["stats", str(out), "--json", "--no-plots"])
    document = json.loads(capsys.readouterr().out)
    summary = {(r["config"], r["split"]): r for r in document["splits"]}
    rejects = {(r["config"], r["split"], r["reason"]): r["rows"] for r in document["rejects"]}
    pairs = pairs_table(out)
    manifest = read_manifest(out)
    checked = 0
    for config, split, info in manifest.splits():
        row = summary[(config, split)]
        for reason, count in info.rejects_by_reason.items():  # the second table, in --json too
            assert rejects[(config, split, reason)] == count
        assert (row["pairs"], row["rows_paired"], row["rejects"]) == (
            info.pairs,
            info.rows_paired,
            info.rows_rejected,
        )
        mask = np.asarray(pairs["config"].to_numpy(zero_copy_only=False) == config) & np.asarray(
            pairs["split"].to_numpy(zero_copy_only=False) == split
        )
        ned = pairs["norm_edit_distance"].to_numpy()[mask]
        if not ned.size:
            assert row["ned_mean"] is None
            continue
        after = (pairs["chosen_chars"].to_numpy() - pairs["common_prefix_chars"].to_numpy() - 1)[
            mask
        ]
        assert row["ned_mean"] == pytest.approx(ned.mean(), rel=1e-12)
        assert row["ned_median"] == pytest.approx(np.median(ned), rel=1e-12)
        assert row["ned_p90"] == pytest.approx(np.quantile(ned, 0.9), rel=1e-12)
        assert row["chars_after_diff_mean"] == pytest.approx(np.maximum(after, 0).mean(), rel=1e-12)
        assert row["tokens_after_diff_mean"] is None  # built without --tokenizer
        checked += 1
    assert checked >= 5


def test_table_output_and_plots_are_written(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["stats", str(out)])
    printed = capsys.readouterr().out
    assert "pairs per source/config/split" in printed and "rejects by reason" in printed
    for name in PLOTS:
        path = out / "plots" / name
        assert f"wrote {path}" in printed.replace("\n", "")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = matplotlib.image.imread(path)
        height, width = image.shape[:2]
        assert width >= 600 and height >= 300
        # a drawn figure, not a blank canvas: several distinct colours (bars, text, axes)
        assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 20


def test_plots_directory_option_and_per_source_data(out: Path, tmp_path: Path) -> None:
    main(["stats", str(out), "--plots", str(tmp_path / "figs"), "--format", "csv"])
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == sorted(PLOTS)
    data = load_plot_data(open_catalog(out))
    pairs = pairs_table(out)
    assert set(data) == {"gsm8k", "arc", "hellaswag"}
    assert sum(d.ned.size for d in data.values()) == pairs.num_rows
    for source_data in data.values():
        assert source_data.unit == "characters"
        assert ((source_data.position >= 0) & (source_data.position <= 1)).all()
        assert (source_data.after >= 0).all()
