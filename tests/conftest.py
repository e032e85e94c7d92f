"""Shared fixtures: small real input files in the Hub schema and quick builds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build

from pairgen_rows import gsm8k_rows, write_jsonl

# Property tests explore new examples on every developer run; CI (`.ci/run` sets
# HYPOTHESIS_PROFILE=ci) replays a fixed seed per test, so a landing is never decided by
# which random examples one run happened to draw (a failure found locally becomes a test).
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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


@pytest.fixture(scope="session")
def gsm8k_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled GSM8K samples built once; read-only (copy it before changing it)."""
    out = tmp_path_factory.mktemp("gsm8k_build") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"),)))
    return out


@pytest.fixture
def hub_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Hub access for this test, even where the machine has network.

    ``datasets`` and ``huggingface_hub`` read ``HF_HUB_OFFLINE`` once, at import; in a full
    run an earlier test has imported them, so only their own settings still switch it on.
    """
    import datasets
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
