"""Cards right for every source: generic sources and presets described as what they are,
link, citation and license fields only as known, a default config, the reproduce command
run verbatim in a fresh folder, and a config hash that does not depend on the folder
pairgen ran in."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pytest
import yaml
from huggingface_hub import DatasetCard

from pairgen.config.source_settings import SourceSettings
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.hub.card import write_card
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build

from pairgen_rows import write_jsonl

PLUGIN_WORDS = ("outside pairgen", "plugin's rules")
EMPTY_LINK = "](https://huggingface.co/datasets/)"
CITATION = "@misc{mine2024,\n  title={My Problems},\n  year={2024}\n}"
# MATH-style rows: a worked solution with an intermediate result before the boxed answer
MATH_ROWS = [
    {
        "item": f"q{n}",
        "prompt": f"What is {n + 2} times 3, plus 1?",
        "worked": f"First, {n + 2} \\cdot 3 = {3 * (n + 2)}. "
        f"Then {3 * (n + 2)} + 1 = \\boxed{{{3 * (n + 2) + 1}}}.",
    }
    for n in range(10)
]


def pairgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args], capture_output=True, text=True, cwd=cwd
    )


def card_of(out: Path) -> tuple[str, dict[str, object]]:
    write_card(out)
    text = (out / "README.md").read_text(encoding="utf-8")
    return text, DatasetCard(text).data.to_dict()


def math_spec(inputs: Path, out: Path, settings: SourceSettings) -> BuildSpec:
    path = write_jsonl(inputs / "mine.jsonl", MATH_ROWS)
    source = SourceSpec(
        source="math", backend="files", data_files={"train": [str(path)]}, settings=settings
    )
    return BuildSpec(out=out, sources=(source,))


MAPPING = (("question", "prompt"), ("solution", "worked"), ("id", "item"))


@pytest.mark.parametrize("name", ["math", "choice"])
def test_a_generic_source_card_has_no_plugin_text_empty_link_or_bibtex(
    tmp_path: Path, name: str
) -> None:
    if name == "math":
        spec = math_spec(tmp_path / "in", tmp_path / "out", SourceSettings(columns=MAPPING))
    else:
        rows = [{"question": f"{n}?", "choices": [str(n), "x", "y"], "answer": 0} for n in range(6)]
        path = write_jsonl(tmp_path / "in" / "mc.jsonl", rows)
        source = SourceSpec(source="choice", backend="files", data_files={"train": [str(path)]})
        spec = BuildSpec(out=tmp_path / "out", sources=(source,))
    build(spec)
    text, data = card_of(spec.out)
    assert not any(words in text for words in PLUGIN_WORDS)
    assert EMPTY_LINK not in text and "```bibtex\n\n```" not in text
    assert f"read by pairgen's generic `{name}` source" in " ".join(text.split())
    assert "source_datasets" not in data and data["license"] == "unknown"
    assert f"here: `{name}` (your " in text  # the source column, named from the registry
    assert read_manifest(spec.out).configs[name].hub_repo == ""


def test_given_metadata_gives_link_citation_and_other_license_fields(tmp_path: Path) -> None:
    settings = SourceSettings(
        columns=MAPPING, dataset_name="My Problems", hub_id="me/problems", license="other",
        citation=CITATION,
    )  # fmt: skip
    spec = math_spec(tmp_path / "in", tmp_path / "out", settings)
    build(spec)
    text, data = card_of(spec.out)
    assert data["source_datasets"] == ["me/problems"]
    assert (data["license"], data["license_name"]) == ("other", "my-problems-license")
    assert data["license_link"] == "https://huggingface.co/datasets/me/problems"
    assert "[`me/problems`](https://huggingface.co/datasets/me/problems)" in text
    assert f"```bibtex\n{CITATION}\n```" in text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("hendrycks_math", "`hendrycks_math` preset of the generic `math` source"),
        ("mmlu", "`mmlu` preset of the generic `choice` source"),
        ("piqa", "`piqa` preset of the generic `choice` source"),
    ],
)
def test_a_preset_card_says_what_the_preset_is(tmp_path: Path, name: str, words: str) -> None:
    build(BuildSpec(out=tmp_path / "out", sources=(SourceSpec(source=name),)))
    text, data = card_of(tmp_path / "out")
    assert " ".join(words.split()) in " ".join(text.split())
    assert not any(w in text for w in PLUGIN_WORDS) and "(gsm8k, metamath" not in text
    assert data["source_datasets"] and all(data["source_datasets"])  # type: ignore[arg-type]
    assert "```bibtex\n@" in text.split("## Citations")[1].split("```", 2)[2]


def test_a_two_config_build_loads_with_no_config_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"), SourceSpec(source="piqa"))))
    _, data = card_of(out)
    configs = data["configs"]
    assert [c.get("default", False) for c in configs] == [True, False]  # type: ignore[union-attr]
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    pairs = read_manifest(out).configs["gsm8k"].splits
    assert {split: len(rows) for split, rows in loaded.items()} == {
        split: info.pairs for split, info in pairs.items()
    }


def reproduction(text: str) -> tuple[str, str | None]:
    """The command and the pipeline file (if any) the card's Reproduce section gives."""
    section = text.split("## Reproduce")[1]
    command = re.search(r"```bash\n(.*?)\n```", section, re.S)
    pipeline = re.search(r"```yaml\n(.*?)\n```", section, re.S)
    assert command is not None
    return command.group(1), pipeline.group(1) if pipeline else None


@pytest.mark.parametrize("cited", [False, True])
def test_the_card_command_runs_verbatim_in_a_fresh_folder(tmp_path: Path, cited: bool) -> None:
    settings = SourceSettings(
        columns=MAPPING,
        template="Problem:\n{question}\nSolution:\n",
        license="cc-by-4.0",
        citation=CITATION if cited else None,
    )
    spec = math_spec(tmp_path / "in", tmp_path / "built" / "pairs", settings)
    build(spec)
    text, _ = card_of(spec.out)
    command, pipeline = reproduction(text)
    assert "CITATION.bib" not in text and (pipeline is not None) == cited
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(tmp_path / "in" / "mine.jsonl", fresh / "mine.jsonl")
    if pipeline is not None:
        (fresh / "pipeline.yaml").write_text(pipeline + "\n", encoding="utf-8")
        assert yaml.safe_load(pipeline)["sources"][0]["citation"] == CITATION
    args = shlex.split(command)
    assert args[:2] == ["pairgen", "build"]
    result = pairgen(*args[1:], "-q", cwd=fresh)
    assert result.returncode == 0, result.stderr
    made, recorded = read_manifest(fresh / "pairs"), read_manifest(spec.out)
    assert made.files() == recorded.files()
    for path in recorded.files():
        assert (fresh / "pairs" / path).read_bytes() == (spec.out / path).read_bytes(), path
    assert (fresh / "pairs" / "manifest.json").read_bytes() == (
        spec.out / "manifest.json"
    ).read_bytes()


def test_the_config_hash_does_not_depend_on_the_working_folder(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in" / "mine.jsonl", MATH_ROWS)
    mapping = [a for role, col in MAPPING for a in ("--column", f"{role}={col}")]
    manifests = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        out = tmp_path / "outs" / name
        result = pairgen(
            "build", "--source", "math", *mapping, "--data-files", f"train={path}",
            "--out", str(out), "-q", cwd=tmp_path / name,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        manifests.append((out / "manifest.json").read_bytes())
    assert manifests[0] == manifests[1]
    assert json.loads(manifests[0])["configs"]["math"]["hub_repo"] == ""
