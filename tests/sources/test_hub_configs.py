"""A Hub dataset's own configs (MMLU's subjects) through a preset and a generic source."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pairgen.config.source_settings import SourceSettings
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build
from pairgen.sources import get_source
from pairgen.sources.inputs import resolve_inputs

SAMPLES = Path(__file__).parents[2] / "pairgen/sources/samples/mmlu/all/test.jsonl"


def mmlu_mirror(root: Path) -> dict[str, int]:
    """A local copy laid out like cais/mmlu: one config per subject; rows per subject."""
    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    subjects = sorted({row["subject"] for row in rows})[:2]
    configs = []
    for subject in subjects:
        (root / subject).mkdir(parents=True)
        table = pa.Table.from_pylist([r for r in rows if r["subject"] == subject])
        pq.write_table(table, root / subject / "test-00000-of-00001.parquet")
        configs.append(
            f"- config_name: {subject}\n  data_files:\n  - split: test\n"
            f"    path: {subject}/test-*\n"
        )
    (root / "README.md").write_text("---\nconfigs:\n" + "".join(configs) + "---\n", "utf-8")
    return {s: sum(r["subject"] == s for r in rows) for s in subjects}


def test_a_subject_config_builds_through_the_preset_and_the_generic_source(
    tmp_path: Path,
) -> None:
    counts = mmlu_mirror(tmp_path / "mmlu-mirror")
    subject = next(iter(counts))
    generic = SourceSettings(
        columns=(("question", "question"), ("choices", "choices"), ("answer", "answer"))
    )
    for name, settings in (("mmlu", None), ("choice", generic)):
        spec = SourceSpec(
            name,
            config=subject,
            backend="hub",
            hub_repo=str(tmp_path / "mmlu-mirror"),
            splits=("test",),
            settings=settings,
        )
        out = tmp_path / name
        manifest = build(BuildSpec(out=out, sources=(spec,))).manifest
        (output_config,) = manifest.configs
        assert output_config == f"{name}-{subject}"  # one folder per subject, never a clash
        entry = manifest.configs[output_config]
        assert entry.source_config == subject
        assert entry.splits["test"].rows_in == counts[subject]
        assert entry.splits["test"].pairs == 3 * counts[subject]  # choices - 1 per question


def test_a_closed_source_keeps_its_configs_and_a_config_is_never_a_path() -> None:
    with pytest.raises(PairgenError, match="has no config 'socratic2'"):
        resolve_inputs(get_source("gsm8k"), "socratic2", "hub", {}, None, None)
    for bad in ("../escape", "a/b", ".hidden", ""):
        with pytest.raises(PairgenError, match="a config name is letters"):
            resolve_inputs(get_source("mmlu"), bad, "hub", {}, None, None)


def test_an_open_config_without_a_bundled_sample_is_an_error_not_an_empty_build(
    tmp_path: Path,
) -> None:
    """``--source mmlu --config anatomy`` (default ``--from sample``) has no sample to read:
    one error, not a build of zero pairs that exits 0."""
    with pytest.raises(PairgenError, match="no bundled sample for mmlu/anatomy"):
        resolve_inputs(get_source("mmlu"), "anatomy", "sample", {}, None, None)
    with pytest.raises(PairgenError, match="no bundled sample"):
        build(BuildSpec(out=tmp_path / "o", sources=(SourceSpec("mmlu", config="anatomy"),)))
    assert not (tmp_path / "o").exists()
