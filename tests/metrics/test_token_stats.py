"""Token-level statistics in a real build, with a real (locally trained) tokenizer."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.metrics.tokens import load_tokenizer, tokenize
from pairgen.pipeline import build

from pairgen_rows import GSM8K_ROWS


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A byte-level BPE trained on the fixture rows and saved the Hugging Face way."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<unk>", "<eos>"], show_progress=False
    )
    texts = [r["question"] + r["answer"] for r in GSM8K_ROWS] * 5
    tokenizer.train_from_iterator(texts, trainer=trainer)
    directory = tmp_path_factory.mktemp("tokenizer")
    PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="<unk>", eos_token="<eos>"
    ).save_pretrained(directory)
    return directory


def test_token_columns_are_filled_and_consistent(tmp_path: Path, tokenizer_dir: Path) -> None:
    spec = BuildSpec(
        out=tmp_path / "out", sources=(SourceSpec("gsm8k"),), tokenizer=str(tokenizer_dir)
    )
    build(spec)
    table = pq.read_table(tmp_path / "out/data/gsm8k/train-00000-of-00001.parquet")
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    rows = table.to_pylist()
    assert rows
    for row in rows:
        chosen = tokenizer(row["chosen"], add_special_tokens=False)["input_ids"]
        rejected = tokenizer(row["rejected"], add_special_tokens=False)["input_ids"]
        assert row["tokenizer"].startswith(f"{tokenizer_dir.name}@sha256:")
        assert (row["chosen_tokens"], row["rejected_tokens"]) == (len(chosen), len(rejected))
        first = row["first_diff_token"]
        assert chosen[:first] == rejected[:first] and chosen[first] != rejected[first]
        assert row["tokens_after_first_diff"] == len(chosen) - first - 1
        assert 0 < row["token_norm_edit_distance"] <= 1


def test_backend_fast_path_gives_the_ids_transformers_gives(tokenizer_dir: Path) -> None:
    """The Rust backend's encode_batch_fast is only a faster route to the same ids."""
    tokenizer = load_tokenizer(str(tokenizer_dir))
    texts = [r["answer"] for r in GSM8K_ROWS] + ["", " ", "  two spaces", "naïve café 😀", "<eos>"]
    expected = [list(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    assert tokenize(tokenizer, texts) == expected


def test_saved_truncation_and_padding_do_not_change_the_ids(
    tokenizer_dir: Path, tmp_path: Path
) -> None:
    """A tokenizer.json saved with truncation and padding on (as BERT-style ones are)."""
    backend = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    backend.enable_truncation(max_length=5)
    backend.enable_padding(pad_id=0, pad_token="<unk>")
    PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", eos_token="<eos>"
    ).save_pretrained(tmp_path)
    texts = [r["answer"] for r in GSM8K_ROWS[:5]] + ["7"]
    tokenizer = AutoTokenizer.from_pretrained(tmp_path)
    ids = tokenize(tokenizer, texts)  # before __call__ has had a chance to reset anything
    assert ids == [list(i) for i in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    assert max(len(i) for i in ids) > 5 and min(len(i) for i in ids) < 5


def test_unknown_tokenizer_is_a_clear_error(tmp_path: Path) -> None:
    from pairgen.errors import PairgenError

    spec = BuildSpec(
        out=tmp_path / "out", sources=(SourceSpec("gsm8k"),), tokenizer=str(tmp_path / "nope")
    )
    with pytest.raises(PairgenError, match="cannot load tokenizer"):
        build(spec)
