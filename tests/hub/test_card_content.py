"""What a card tells a reader: an example, the fields, uses, papers, samples, options, no paths."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.hub.card import write_card
from pairgen.hub.card_rows import EXAMPLE_TEXT_CHARS
from pairgen.hub.reproduce import public_name
from pairgen.output.manifest import CARD_NAME, read_manifest
from pairgen.pipeline import build
from pairgen.record import COLUMN_DESCRIPTIONS, pair_schema

ROWS = [
    {
        "question": f"Mia reads {n} pages a day for {n + 4} days. How many pages is that?",
        "answer": f"She reads {n} * {n + 4} = <<{n}*{n + 4}={n * (n + 4)}>>{n * (n + 4)} pages"
        f" and then {n * (n + 4)} + 1 = <<{n * (n + 4)}+1={n * (n + 4) + 1}>>"
        f"{n * (n + 4) + 1} with the cover.\n#### {n * (n + 4) + 1}",
    }
    for n in range(1, 7)
]


@pytest.fixture(scope="module")
def files_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GSM8K from a local file with 2 shots (a long prompt)."""
    root = tmp_path_factory.mktemp("card-files")
    source = root / "inputs" / "my-train.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    out = root / "out"
    spec = SourceSpec(source="gsm8k", backend="files", data_files={"train": [str(source)]})
    build(BuildSpec(out=out, sources=(spec,), shots=2))
    write_card(out)
    return out


@pytest.fixture(scope="module")
def arc_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("card-arc") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="arc", config="ARC-Easy"),)))
    write_card(out)
    return out


def card(out: Path) -> str:
    return (out / CARD_NAME).read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_pair_column_has_a_description() -> None:
    for conversational in (False, True):
        assert set(pair_schema(conversational).names) == set(COLUMN_DESCRIPTIONS)


def test_the_example_is_the_first_real_row_cut_in_the_middle(files_build: Path) -> None:
    (block,) = section(card(files_build), "Example instance").split("```json\n")[1:]
    example = json.loads(block.split("```")[0])
    shard = read_manifest(files_build).configs["gsm8k"].splits["train"].shards[0].path
    row = pq.read_table(files_build / shard).slice(0, 1).to_pylist()[0]
    assert example["id"] == row["id"] and example["chosen_value"] == row["chosen_value"]
    prompt, shown = row["prompt"], example["prompt"]
    assert len(prompt) > EXAMPLE_TEXT_CHARS  # two shots make it long ...
    assert "characters cut" in shown  # ... so the card shows both ends of it
    assert shown.startswith(prompt[:100]) and shown.endswith(prompt[-100:])
    assert example["chosen"] == row["chosen"]  # short texts are shown whole


def test_the_fields_table_lists_every_shard_column_with_its_type(files_build: Path) -> None:
    table = section(card(files_build), "Data fields")
    schema = pq.read_schema(next((files_build / "data" / "gsm8k").glob("*.parquet")))
    for field in schema:
        assert f"| `{field.name}` |" in table
        assert COLUMN_DESCRIPTIONS[field.name] in table
    assert "| `prompt` | string |" in table and "| `levenshtein` | int32 |" in table
    assert "token columns" in table  # built without a tokenizer: says they are null


def test_uses_limitations_and_paper_links(files_build: Path, arc_build: Path) -> None:
    for out in (files_build, arc_build):
        text = card(out)
        assert "https://arxiv.org/abs/2402.13228" in text
        assert "https://huggingface.co/papers/2402.13228" in text
        uses = section(text, "Uses and limitations")
        assert "Intended uses" in uses and "Limitations" in uses
    assert "GSM8K: the corrupted result" in card(files_build)
    assert "Few-shot exemplars (2 per prompt)" in card(files_build)
    assert "ARC: the rejected completion" in card(arc_build)
    assert "GSM8K:" not in section(card(arc_build), "Uses and limitations")


def test_the_sample_notice_appears_only_for_sample_data(files_build: Path, arc_build: Path) -> None:
    assert "**Sample data.**" in card(arc_build)
    assert "**Sample data.**" not in card(files_build)


def test_only_the_options_that_apply_are_listed(files_build: Path, arc_build: Path) -> None:
    settings = section(card(arc_build), "How the pairs were made")
    assert "option `choice_template`" in settings
    assert "strip_annotations" not in settings and "clean_markup" not in settings
    settings = section(card(files_build), "How the pairs were made")
    assert "option `strip_annotations`" in settings
    assert "choice_template" not in settings and "clean_markup" not in settings


def test_no_path_of_the_build_machine_is_in_the_card(files_build: Path) -> None:
    text = card(files_build)
    assert str(files_build.parent) not in text
    assert "train=my-train.jsonl" in section(text, "Reproduce")
    assert "`my-train.jsonl`" in section(text, "Reproduce")


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("/home/me/data/train.jsonl", "train.jsonl"),
        ("/opt/tokenizers/smollm2/", "smollm2"),
        ("HuggingFaceTB/SmolLM2-135M", "HuggingFaceTB/SmolLM2-135M"),
        ("sample:gsm8k/main/train.jsonl", "sample:gsm8k/main/train.jsonl"),
    ],
)
def test_public_names_drop_local_folders_only(location: str, shown: str) -> None:
    assert public_name(location) == shown
