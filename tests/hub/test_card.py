"""Dataset cards: rendering, offline validation, loading with datasets, reproduction."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import datasets
import pytest
import yaml
from build_outputs import tiny_png
from huggingface_hub import DatasetCard

from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.hub.card import find_templates, render_card, write_card
from pairgen.hub.card_check import check_card
from pairgen.hub.card_context import SMAUG_CITATION
from pairgen.output.manifest import CARD_NAME, Manifest, read_manifest
from pairgen.pipeline import build
from pairgen.sources import get_source

SINGLE = {
    "gsm8k": (SourceSpec(source="gsm8k"),),
    "metamath": (SourceSpec(source="metamath"),),
    "arc": (SourceSpec(source="arc", config="ARC-Easy"),),
    "hellaswag": (SourceSpec(source="hellaswag"),),
}
COMBINED = (
    SourceSpec(source="gsm8k"),
    SourceSpec(source="metamath"),
    SourceSpec(source="arc", config="ARC-Challenge"),
    SourceSpec(source="arc", config="ARC-Easy"),
    SourceSpec(source="hellaswag"),
)
LICENSES = {"gsm8k": "mit", "metamath": "mit", "arc": "cc-by-sa-4.0", "hellaswag": "mit"}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One sample build per source and one combined build, each with its card written."""
    root = tmp_path_factory.mktemp("cards")
    outs = {}
    for name, sources in [*SINGLE.items(), ("combined", COMBINED)]:
        out = root / name
        build(BuildSpec(out=out, sources=sources))
        write_card(out, repo_id="me/pairs")
        outs[name] = out
    return outs


def loadable(manifest: Manifest) -> dict[str, dict[str, int]]:
    """config -> split -> pairs, for the splits that hold pairs."""
    return {
        config: {s: i.pairs for s, i in entry.splits.items() if i.pairs}
        for config, entry in manifest.configs.items()
    }


@pytest.mark.parametrize("name", [*SINGLE, "combined"])
def test_card_is_valid_and_describes_its_build(builds: dict[str, Path], name: str) -> None:
    out = builds[name]
    manifest = read_manifest(out)
    text = (out / CARD_NAME).read_text(encoding="utf-8")
    assert check_card(out, text, manifest) == []
    data = DatasetCard.load(out / CARD_NAME).data.to_dict()
    sources = sorted({e.source for e in manifest.configs.values()})
    licenses = sorted({LICENSES[s] for s in sources})
    assert sorted(data["license"] if isinstance(data["license"], list) else [data["license"]]) == (
        licenses
    )
    declared = {c["config_name"]: c["data_files"] for c in data["configs"]}
    assert {c: sorted(f["split"] for f in files) for c, files in declared.items()} == {
        c: sorted(splits) for c, splits in loadable(manifest).items()
    }
    assert data["task_categories"] == ["text-generation"]
    assert data["size_categories"] == ["n<1K"]
    assert data["pretty_name"].endswith("minimal pairs")
    body = DatasetCard.load(out / CARD_NAME).text
    assert SMAUG_CITATION in body
    for source in sources:
        assert get_source(source).citation.strip() in body
        assert f"`{LICENSES[source]}`" in body
    assert "pairgen build" in body and manifest.config_hash in body
    assert "## Statistics" in body and "mean NED" in body


def test_load_dataset_finds_every_config_and_split_of_a_combined_build(
    builds: dict[str, Path], tmp_path: Path
) -> None:
    out = builds["combined"]
    expected = loadable(read_manifest(out))
    assert set(expected) == {"gsm8k", "metamath", "arc-challenge", "arc-easy", "hellaswag"}
    assert sorted(datasets.get_dataset_config_names(str(out))) == sorted(expected)
    for config, splits in expected.items():
        loaded = datasets.load_dataset(str(out), config, cache_dir=str(tmp_path / "cache"))
        assert {split: ds.num_rows for split, ds in loaded.items()} == splits
        assert loaded[next(iter(splits))].column_names[:3] == ["prompt", "chosen", "rejected"]


def test_a_single_source_card_loads_with_no_config_name(
    builds: dict[str, Path], tmp_path: Path
) -> None:
    out = builds["hellaswag"]
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    # The unlabeled test split has no pairs: documented in the body, not declared as data.
    assert {s: d.num_rows for s, d in loaded.items()} == loadable(read_manifest(out))["hellaswag"]
    assert "test" not in loaded
    assert "`hellaswag/test`" in (out / CARD_NAME).read_text(encoding="utf-8")


def test_conversational_build_card_loads_message_lists(tmp_path: Path) -> None:
    out = tmp_path / "chat"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"),), format="conversational"))
    write_card(out)
    loaded = datasets.load_dataset(str(out), split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded[0]["prompt"][-1]["role"] == "user"
    assert loaded[0]["chosen"][0]["role"] == "assistant"
    card = (out / CARD_NAME).read_text(encoding="utf-8")
    assert "| `prompt` | list of {role, content} messages |" in card


def test_check_card_catches_a_card_of_another_build(
    builds: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "gsm8k"
    shutil.copytree(builds["gsm8k"], out)
    stale = (out / CARD_NAME).read_text(encoding="utf-8")
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k", splits=("train",)),)))
    problems = check_card(out, stale, read_manifest(out))
    assert any("declares splits" in p for p in problems)
    with pytest.raises(SystemExit) as exc:
        main(["card", str(out), "--check"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("license: mit", "license: mit-ish", "'mit-ish' is not a Hub identifier"),
        ("- n<1K", "- tiny", "'tiny' is not a Hub identifier"),
        # the GSM8K train sample's 32 rows make 27 pairs (5 rows reject: see
        # tests/sources/test_sources_math.py NO_PAIR)
        ("num_examples: 27", "num_examples: 28", "num_examples"),
        ("path: data/gsm8k/train-*.parquet", "path: data/gsm8k/*.parquet", "match"),
    ],
)
def test_check_card_rejects_edited_metadata(
    builds: dict[str, Path], old: str, new: str, message: str
) -> None:
    out = builds["gsm8k"]
    text = (out / CARD_NAME).read_text(encoding="utf-8")
    assert old in text
    problems = check_card(out, text.replace(old, new, 1), read_manifest(out))
    assert any(message in p for p in problems), problems


def test_check_card_rejects_a_card_without_metadata(builds: dict[str, Path]) -> None:
    out = builds["gsm8k"]
    assert check_card(out, "# just a title\n", read_manifest(out))


def test_plots_are_shown_in_the_card(builds: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "plots"
    shutil.copytree(builds["metamath"], out)
    (out / "plots").mkdir()
    (out / "plots" / "ned_histogram.png").write_bytes(tiny_png())
    text = render_card(out).text
    assert "![ned histogram](plots/ned_histogram.png)" in text


def test_templates_override_and_a_clear_error_when_missing(
    builds: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(PairgenError, match="card templates not found"):
        find_templates(tmp_path / "nowhere")
    custom = tmp_path / "templates"
    shutil.copytree(find_templates(), custom)
    (custom / "gsm8k.md").write_text(
        '{% extends "_base.md" %}{% block about %}Our own words.{% endblock %}', encoding="utf-8"
    )
    text = render_card(builds["gsm8k"], templates=custom).text
    assert "Our own words." in text
    (custom / "gsm8k.md").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(PairgenError, match="card template error"):
        render_card(builds["gsm8k"], templates=custom)


def shard_checksums(manifest: Manifest) -> dict[str, str]:
    return {shard.path: shard.sha256 for _, _, info in manifest.splits() for shard in info.shards}


def _command_from_card(out: Path) -> tuple[list[str], str | None]:
    body = DatasetCard.load(out / CARD_NAME).text
    section = body.split("## Reproduce", 1)[1]
    blocks = section.split("```")
    pipeline = next((b[len("yaml\n") :] for b in blocks if b.startswith("yaml\n")), None)
    command = next(b[len("bash\n") :].strip() for b in blocks if b.startswith("bash\n"))
    return shlex.split(command), pipeline


def test_the_card_command_rebuilds_identical_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        {"question": f"Tom has {n} apples, buys {n + 2} more and eats 1. How many?", "answer": ""}
        for n in range(1, 9)
    ]
    for row, n in zip(rows, range(1, 9), strict=True):
        # two steps: the last computes the final answer, which is never the edited result
        row["answer"] = (
            f"He has {n} + {n + 2} = <<{n}+{n + 2}={2 * n + 2}>>{2 * n + 2}.\n"
            f"He eats 1: {2 * n + 2} - 1 = <<{2 * n + 2}-1={2 * n + 1}>>{2 * n + 1}.\n"
            f"#### {2 * n + 1}"
        )
    source = tmp_path / "train.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first = tmp_path / "first"
    main(["build", "--source", "gsm8k", "--from", "files", "--data-files", f"train={source}",
          "--seed", "7", "--strip-annotations", "--out", str(first)])  # fmt: skip
    write_card(first)
    args, pipeline = _command_from_card(first)
    assert pipeline is None and args[:2] == ["pairgen", "build"]
    assert "--strip-annotations" in args and args[args.index("--seed") + 1] == "7"
    # inputs are named by file name: the card never shows the build machine's folders
    assert args[args.index("--data-files") + 1] == "train=train.jsonl"
    assert str(tmp_path) not in (first / CARD_NAME).read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the command runs where its input files are
    again = tmp_path / "again"
    main([*args[1:-1], str(again)])
    assert read_manifest(again).config_hash == read_manifest(first).config_hash
    assert shard_checksums(read_manifest(again)) == shard_checksums(read_manifest(first))


def test_a_combined_card_gives_a_pipeline_file_that_rebuilds_it(
    builds: dict[str, Path], tmp_path: Path
) -> None:
    out = builds["combined"]
    args, pipeline = _command_from_card(out)
    assert pipeline is not None and args == ["pairgen", "build", "pipeline.yaml"]
    document = yaml.safe_load(pipeline)
    assert len(document["sources"]) == 5
    (tmp_path / "pipeline.yaml").write_text(pipeline, encoding="utf-8")
    main(["build", str(tmp_path / "pipeline.yaml"), "--out", str(tmp_path / "again")])
    assert shard_checksums(read_manifest(tmp_path / "again")) == shard_checksums(read_manifest(out))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nconfigs: [\n---\nbody\n", "not a valid dataset card"),
        ("---\nlicense: mit\nconfigs: [5]\n---\nbody\n", "card"),
    ],
)
def test_hand_edited_cards_give_problems_not_tracebacks(
    tmp_path: Path, text: str, expected: str
) -> None:
    from pairgen.config.spec import BuildSpec, SourceSpec
    from pairgen.hub.card_check import check_card
    from pairgen.output.manifest import read_manifest
    from pairgen.pipeline import build

    out = tmp_path / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"),)))
    problems = check_card(out, text, read_manifest(out))
    assert problems and any(expected in p for p in problems)


def test_a_card_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    from pairgen.errors import PairgenError
    from pairgen.hub.card_check import read_card_text

    path = tmp_path / "README.md"
    path.write_bytes(b"---\nlicense: mit\n---\n\xff\xfe")
    with pytest.raises(PairgenError, match="not UTF-8"):
        read_card_text(path)
