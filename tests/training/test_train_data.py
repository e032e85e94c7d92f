"""Shards to token ids: explicit prompts, first differing token, truncation, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pairgen.cli import main
from pairgen.errors import PairgenError
from pairgen.record import MESSAGE_TYPE
from pairgen.training.loop.data import (
    PairText,
    first_difference,
    read_pairs,
    split_pairs,
    tokenize_pairs,
)
from pairgen.training.loop.tiny import tiny_tokenizer

from train_shards import metamath_pairs, write_shard


def test_read_pairs_defaults_to_the_train_split(tmp_path: Path) -> None:
    write_shard(tmp_path, metamath_pairs(3), config="a", split="train")
    write_shard(tmp_path, metamath_pairs(2, seed=1), config="b", split="test")
    assert len(read_pairs(tmp_path)) == 3  # never the test pairs unless asked for
    assert [p.id for p in read_pairs(tmp_path, split="test")] == ["pair-0", "pair-1"]


def test_read_pairs_reads_every_shard_when_there_is_no_train_split(tmp_path: Path) -> None:
    write_shard(tmp_path, metamath_pairs(3), config="a", split="validation")
    write_shard(tmp_path, metamath_pairs(2, seed=1), config="b", split="test")
    assert len(read_pairs(tmp_path)) == 5


@pytest.mark.parametrize("make", ["missing", "empty_dir", "no_rows"])
def test_output_without_pairs_is_a_clear_error(tmp_path: Path, make: str) -> None:
    out = tmp_path / "out"
    if make == "empty_dir":
        (out / "data").mkdir(parents=True)
    if make == "no_rows":
        write_shard(out, [])
        path = next((out / "data").rglob("*.parquet"))
        schema = pa.schema([(c, pa.string()) for c in ("prompt", "chosen", "rejected")])
        pq.write_table(schema.empty_table(), path)
    with pytest.raises(PairgenError, match=r"no such output|no pair shards|hold no pairs"):
        read_pairs(out)


def test_missing_text_column_names_the_shard(tmp_path: Path) -> None:
    path = write_shard(tmp_path, [{"prompt": "p", "chosen": "c"}])
    with pytest.raises(PairgenError, match="rejected") as info:
        read_pairs(tmp_path)
    assert str(path) in str(info.value)


def test_first_difference() -> None:
    assert first_difference([1, 2, 3], [1, 5, 3]) == 1
    assert first_difference([1, 2], [1, 2, 3]) == 2
    assert first_difference([9], [1]) == 0


def test_prompt_is_explicit_and_first_diff_comes_from_tokens() -> None:
    tok = tiny_tokenizer()
    pair = PairText(
        "x", "Q: 6*7?\nA:", " 6*7 = 42. The answer is: 42", " 6*7 = 41. The answer is: 42"
    )
    (tp,), report = tokenize_pairs([pair], tok, 512)
    assert tp.prompt == tok("Q: 6*7?\nA:")["input_ids"]
    assert tp.prompt[0] == tok.bos_token_id
    assert tp.chosen[-1] == tp.rejected[-1] == tok.eos_token_id
    assert (
        tok.decode(tp.chosen[: tp.first_diff]) == " 6*7 = 4"
    )  # byte tokens: the edit is '2' vs '1'
    assert report.as_dict() == {"read": 1, "kept": 1, "truncated": 0, "skipped": {}}


def test_long_pairs_are_truncated_or_skipped_and_counted() -> None:
    tok = tiny_tokenizer()
    early = PairText("early", "P" * 40, "ab" + "c" * 60, "ax" + "c" * 60)
    late = PairText("late", "P" * 40, "c" * 60 + "ab", "c" * 60 + "ax")
    same = PairText("same", "P", "abc", "abc")
    kept, report = tokenize_pairs([early, late, same], tok, max_length=48)
    assert [p.id for p in kept] == ["early"]
    assert len(kept[0].prompt) + len(kept[0].chosen) <= 48
    assert report.truncated == 1
    assert report.skipped == {"edit_beyond_max_length": 1, "identical_tokens": 1}
    kept, report = tokenize_pairs(
        [early, PairText("ok", "P", "ab", "ax")], tok, max_length=48, truncate=False
    )
    assert [p.id for p in kept] == ["ok"] and report.skipped == {"too_long": 1}
    with pytest.raises(PairgenError, match="no pair is usable"):
        tokenize_pairs([late], tok, max_length=48)


def test_conversational_pairs_use_the_chat_template(tmp_path: Path) -> None:
    messages = pa.array([[{"role": "user", "content": "2+2?"}]], type=MESSAGE_TYPE)
    table = pa.table(
        {
            "prompt": messages,
            "chosen": pa.array([[{"role": "assistant", "content": "4"}]], type=MESSAGE_TYPE),
            "rejected": pa.array([[{"role": "assistant", "content": "5"}]], type=MESSAGE_TYPE),
        }
    )
    path = tmp_path / "data" / "c" / "train-00000-of-00001.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(table, path)
    tok = tiny_tokenizer()
    (tp,), _ = tokenize_pairs(read_pairs(tmp_path), tok, 512)
    assert tok.decode(tp.prompt).endswith("<|bos|>assistant\n")
    assert tok.decode(tp.chosen) == "4<|eos|>\n<|eos|>"
    tok.chat_template = None
    with pytest.raises(PairgenError, match="chat template"):
        tokenize_pairs(read_pairs(tmp_path), tok, 512)


def test_tokenizer_without_eos_is_refused() -> None:
    tok = tiny_tokenizer()
    tok.eos_token = None
    with pytest.raises(PairgenError, match="EOS"):
        tokenize_pairs([PairText("x", "p", "a", "b")], tok, 64)


def test_split_is_seeded_and_disjoint() -> None:
    tok = tiny_tokenizer()
    texts = [PairText(r["id"], r["prompt"], r["chosen"], r["rejected"]) for r in metamath_pairs(20)]
    pairs, _ = tokenize_pairs(texts, tok, 512)
    train, held = split_pairs(pairs, 0.25, seed=3)
    assert len(held) == 5 and len(train) == 15
    assert {p.id for p in train}.isdisjoint(p.id for p in held)
    assert split_pairs(pairs, 0.25, seed=3) == (train, held)


def test_split_keeps_the_pairs_of_one_question_together() -> None:
    tok = tiny_tokenizer()
    texts = [
        PairText(f"arc/train/q{q}/{k}", f"Question {q}", "(A) yes", f"({'BCD'[k]}) no")
        for q in range(8)
        for k in range(3)
    ]
    pairs, _ = tokenize_pairs(texts, tok, 512)
    train, held = split_pairs(pairs, 0.25, seed=1)
    questions = {p.id.rsplit("/", 1)[0] for p in held}
    assert len(held) == 6 and len(questions) == 2
    assert questions.isdisjoint(p.id.rsplit("/", 1)[0] for p in train)


def test_a_build_of_zero_pairs_says_so_naming_its_splits(tmp_path: Path) -> None:
    """Issue 26: a real build whose every row was rejected, kept with --allow-rejects,
    has a manifest and no shards; training says the build holds 0 pairs, not "run
    pairgen build first"."""
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "".join(
            json.dumps({"question": f"Q{n}? (A) {n} (B) {n + 1}", "choices": ["A", "B"],
                        "answer": 0}) + "\n"
            for n in range(3)
        )
    )  # fmt: skip
    out = tmp_path / "out"
    main(["build", "--source", "choice", "--data-files", f"test={rows}",
                 "--allow-rejects", "--out", str(out), "-q"])  # fmt: skip
    with pytest.raises(PairgenError) as raised:
        read_pairs(out)
    message = str(raised.value)
    assert "the build holds 0 pairs (manifest.json: choice/test: 3 of 3 rows (100%)" in message
    assert "no pair shards" not in message
