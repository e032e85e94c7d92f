"""The portable name of a build's tokenizer: a Hub id as is, a local one by content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pairgen.errors import PairgenError
from pairgen.metrics.tokenizer_identity import (
    handed_back,
    is_local_name,
    local_name,
    tokenizer_ref,
)


@pytest.fixture
def tk(tmp_path: Path) -> Path:
    folder = tmp_path / "tk"
    folder.mkdir()
    (folder / "tokenizer.json").write_bytes(b'{"version": "1.0"}')
    return folder


def test_a_hub_id_is_recorded_and_loaded_as_given() -> None:
    ref = tokenizer_ref("HuggingFaceTB/SmolLM2-135M")
    assert (ref.recorded, ref.load) == ("HuggingFaceTB/SmolLM2-135M", "HuggingFaceTB/SmolLM2-135M")
    assert not is_local_name(ref.recorded)


def test_a_local_tokenizer_is_its_name_and_the_hash_of_its_tokenizer_json(tk: Path) -> None:
    digest = hashlib.sha256(b'{"version": "1.0"}').hexdigest()[:16]
    ref = tokenizer_ref(str(tk))
    assert (ref.recorded, ref.load) == (f"tk@sha256:{digest}", str(tk))
    assert is_local_name(ref.recorded) and local_name(ref.recorded) == "tk"
    assert tokenizer_ref(str(tk / "tokenizer.json")).recorded == f"tokenizer.json@sha256:{digest}"


def test_a_link_keeps_its_own_name(tk: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(tk, target_is_directory=True)
    assert tokenizer_ref(str(tmp_path / "alias")).recorded.startswith("alias@sha256:")


def test_a_folder_without_tokenizer_json_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PairgenError, match=r"no tokenizer\.json here"):
        tokenizer_ref(str(tmp_path))


def test_a_recorded_name_is_not_a_tokenizer_to_build_with(tk: Path) -> None:
    recorded = tokenizer_ref(str(tk)).recorded
    with pytest.raises(PairgenError, match="recorded name, not a path here"):
        tokenizer_ref(recorded)


def test_handing_back_checks_the_hash_and_ignores_the_name(tk: Path, tmp_path: Path) -> None:
    recorded = tokenizer_ref(str(tk)).recorded
    assert handed_back(recorded, str(tk / "tokenizer.json")).recorded == recorded
    (tk / "tokenizer.json").write_bytes(b'{"version": "1.1"}')
    with pytest.raises(PairgenError, match="is not the tokenizer this build used"):
        handed_back(recorded, str(tk))
    with pytest.raises(PairgenError, match="this one used the Hub tokenizer gpt2"):
        handed_back("gpt2", str(tk))


def test_a_recorded_name_with_a_path_in_it_is_no_local_name() -> None:
    """The name part comes from a manifest (anyone's): ``validate --rebuild`` links the
    handed-back tokenizer under it, so it must never lead out of a folder."""
    digest = "0" * 16
    for crafted in ("../../evil", "a/b", "..", ".", "a\\b"):
        assert not is_local_name(f"{crafted}@sha256:{digest}")
    assert is_local_name(f"tk.v2@sha256:{digest}")
