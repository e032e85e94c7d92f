"""A local tokenizer travels by name and content hash: validate is handed it back."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tamper import rewrite_shard, set_cell
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.hub.card import write_card
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build
from pairgen.sources import get_source
from pairgen.sources.inputs import sample_path
from pairgen.validate.run import validate_output

SHARD = "data/gsm8k/train-00000-of-00001.parquet"


def save_tokenizer(directory: Path, vocab_size: int) -> Path:
    """A byte-level BPE trained on the GSM8K sample, saved the Hugging Face way."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["<unk>"], show_progress=False
    )
    path = sample_path(get_source("gsm8k"), "main", "train")
    tokenizer.train_from_iterator(path.read_text(encoding="utf-8").splitlines(), trainer=trainer)
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="<unk>").save_pretrained(
        directory
    )
    return directory


@pytest.fixture(scope="module")
def tk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tokenizer(tmp_path_factory.mktemp("tokenizers") / "tk", 400)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, tk: Path) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec("gsm8k"),), tokenizer=str(tk)))
    write_card(out)
    return out


def pairgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, timeout=120
    )


def test_the_output_names_the_tokenizer_by_folder_and_content_hash(built: Path, tk: Path) -> None:
    digest = hashlib.sha256((tk / "tokenizer.json").read_bytes()).hexdigest()[:16]
    manifest = read_manifest(built)
    assert manifest.tokenizer == f"tk@sha256:{digest}"
    card = (built / "README.md").read_text(encoding="utf-8")
    assert f"`tk@sha256:{digest}`" in card and "--tokenizer tk " in card
    machine = str(tk.parent).encode()
    for path in built.rglob("*"):
        if path.is_file():
            assert machine not in path.read_bytes(), path  # shards, manifest and card


def test_validate_without_the_tokenizer_says_the_token_columns_were_not_rechecked(
    out: Path,
) -> None:
    rewrite_shard(out, SHARD, lambda t: set_cell(t, "tokens_after_first_diff", 3, 10_000))
    report = validate_output(out)
    assert report.ok
    assert report.notes == [
        f"token columns not rechecked: the build used the local tokenizer "
        f"{read_manifest(out).tokenizer}; pass --tokenizer PATH (its folder or "
        "tokenizer.json) to recheck them"
    ]
    shown = pairgen("validate", str(out), "--quiet")
    assert shown.returncode == 0
    assert shown.stdout == ""  # --quiet: no result lines; the note is for the person (stderr)
    assert shown.stderr.splitlines() == [f"note: {report.notes[0]}"]


def test_validate_with_the_tokenizer_rechecks_the_token_columns(out: Path, tk: Path) -> None:
    assert validate_output(out, tokenizer=str(tk)).notes == []
    rewrite_shard(out, SHARD, lambda t: set_cell(t, "tokens_after_first_diff", 3, 10_000))
    for handed in (tk, tk / "tokenizer.json"):  # the folder or the file itself
        found = validate_output(out, tokenizer=str(handed)).violations
        assert [(v.shard, v.row, v.check) for v in found] == [(SHARD, 3, "stats")]


def test_another_tokenizer_is_one_clear_error(out: Path, tmp_path: Path) -> None:
    other = save_tokenizer(tmp_path / "tk", 300)  # same name, other content
    recorded = read_manifest(out).tokenizer
    with pytest.raises(PairgenError, match=f"the build recorded {recorded}$"):
        validate_output(out, tokenizer=str(other))
    shown = pairgen("validate", str(out), "--tokenizer", str(other))
    assert shown.returncode != 0
    (line,) = shown.stderr.strip().splitlines()
    assert "is not the tokenizer this build used" in line


def test_a_shard_naming_another_local_tokenizer_is_a_violation(out: Path) -> None:
    rewrite_shard(out, SHARD, lambda t: set_cell(t, "tokenizer", 0, "x@sha256:" + "0" * 16))
    found = [(v.row, v.check) for v in validate_output(out).violations]
    assert (0, "provenance") in found


def test_rebuild_needs_the_tokenizer_and_accepts_it_under_another_name(
    built: Path, tk: Path, tmp_path: Path
) -> None:
    report = validate_output(built, rebuild=True)
    assert {r.status for r in report.rebuilt} == {"not rebuilt"}
    assert "pass --tokenizer PATH" in report.rebuilt[0].detail
    renamed = Path(shutil.copytree(tk, tmp_path / "copy-of-tk"))
    report = validate_output(built, rebuild=True, tokenizer=str(renamed))
    assert report.ok, report.violations[:3]
    assert {r.status for r in report.rebuilt} == {"identical"}
