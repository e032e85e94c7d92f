"""How an output names the tokenizer of its token columns: never by a path of this machine.

The name goes into every shard's ``tokenizer`` column, the manifest's ``tokenizer``, the
config hash and the card, so it must mean the same thing on every machine:

- a Hub tokenizer is named by its id, as given (``HuggingFaceTB/SmolLM2-135M``);
- a local tokenizer (a folder holding ``tokenizer.json``, or the file itself) is named
  ``<folder or file name>@sha256:<first 16 hex digits of the sha256 of its
  tokenizer.json bytes>``, e.g. ``smollm2@sha256:3f9d0c2a7b1e4d55``.

``tokenizer.json`` is the whole fast tokenizer (normalizer, pre-tokenizer, model, added
tokens), which is what decides the ids pairgen counts (special tokens are never added),
so its hash says which tokenizer it was; 16 hex digits (64 bits) tell two tokenizers
apart without making every row long.  The name is the one written on the command line,
not where a link points, so a relative and an absolute path to the same tokenizer give
the same name, the same shards and the same config hash.  The build loads the tokenizer
from the path (:attr:`TokenizerRef.load`); ``pairgen validate OUT --tokenizer PATH`` (and
``--rebuild``) are handed it back the same way, and accept it only when its content hash
is the recorded one (:func:`handed_back`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pairgen.errors import PairgenError
from pairgen.output.files import file_sha256

DIGEST_MARK = "@sha256:"
DIGEST_HEX = 16
# The name is one folder or file name, never a path: validate --rebuild links the
# handed-back tokenizer under the name a manifest (anyone's) records.
_LOCAL_NAME = re.compile(
    rf"(?P<name>(?!\.\.?{re.escape(DIGEST_MARK)})[^/\\]+){re.escape(DIGEST_MARK)}"
    r"(?P<digest>[0-9a-f]{16,64})"
)


@dataclass(frozen=True, slots=True)
class TokenizerRef:
    """A build's tokenizer: the name outputs record, and what :func:`load_tokenizer` opens."""

    recorded: str
    load: str


def tokenizer_ref(value: str) -> TokenizerRef:
    """The tokenizer ``--tokenizer VALUE`` means: a local path if one exists, else a Hub id."""
    if Path(value).exists():
        local = Path(os.path.abspath(value))  # abspath, not resolve(): a link keeps its name
        return TokenizerRef(
            f"{local.name}{DIGEST_MARK}{content_sha256(local)[:DIGEST_HEX]}", str(local)
        )
    if is_local_name(value):
        raise PairgenError(
            f"tokenizer {value!r} is a local tokenizer's recorded name, not a path here: "
            f"pass its folder or tokenizer.json"
        )
    return TokenizerRef(value, value)


def content_sha256(path: Path) -> str:
    """sha256 of a local tokenizer's ``tokenizer.json`` (``path``: the file or its folder)."""
    file = path / "tokenizer.json" if path.is_dir() else path
    if not file.is_file():
        raise PairgenError(
            "no tokenizer.json here: a local tokenizer is recorded by the sha256 of its "
            "tokenizer.json (save it as a fast tokenizer: AutoTokenizer.save_pretrained)",
            file=str(path),
        )
    return file_sha256(file)


def is_local_name(recorded: str) -> bool:
    """Whether a recorded name is a local tokenizer's ``name@sha256:digest``."""
    return _LOCAL_NAME.fullmatch(recorded) is not None


def local_name(recorded: str) -> str:
    """The folder or file name part of a local tokenizer's recorded name (how a card's
    reproduce command passes it: like an input file, by name)."""
    match = _LOCAL_NAME.fullmatch(recorded)
    return match.group("name") if match else recorded


def handed_back(recorded: str | None, path: str) -> TokenizerRef:
    """The local tokenizer at ``path`` as the one a build recorded, or one clear error."""
    if recorded is None or not is_local_name(recorded):
        used = f"the Hub tokenizer {recorded}" if recorded else "no tokenizer"
        raise PairgenError(
            f"--tokenizer is for a build that used a local tokenizer; this one used {used}"
        )
    expected = recorded.rpartition(DIGEST_MARK)[2]
    found = content_sha256(Path(path))
    if not found.startswith(expected):
        raise PairgenError(
            f"--tokenizer {path} is not the tokenizer this build used: its tokenizer.json "
            f"has sha256 {found[: len(expected)]}, the build recorded {recorded}"
        )
    return TokenizerRef(recorded, str(Path(os.path.abspath(path))))


__all__ = [
    "DIGEST_HEX",
    "DIGEST_MARK",
    "TokenizerRef",
    "content_sha256",
    "handed_back",
    "is_local_name",
    "local_name",
    "tokenizer_ref",
]
