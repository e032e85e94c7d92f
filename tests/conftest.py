"""Shared fixtures: small real input files in the Hub schema and quick builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairgen.build import build
from pairgen.config.spec import BuildSpec, SourceSpec

from pairgen_rows import gsm8k_rows, write_jsonl


@pytest.fixture
def gsm8k_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "in" / "train.jsonl", gsm8k_rows(40))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the bundled GSM8K and MetaMath samples, shared by read-only tests."""
    out = tmp_path_factory.mktemp("sample_build")
    spec = BuildSpec(
        out=out,
        sources=(SourceSpec(source="gsm8k"), SourceSpec(source="metamath")),
    )
    build(spec)
    return out
