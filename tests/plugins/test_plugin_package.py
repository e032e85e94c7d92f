"""A source and a strategy from a package outside pairgen: build, validate, card, publish.

The package (:mod:`plugin_package`) is written to a temporary folder as an installed
distribution (its ``*.dist-info`` with ``entry_points.txt``) and pairgen runs in a
subprocess with that folder on ``PYTHONPATH``, so the entry points are discovered the
way pip-installed ones are, and nothing is installed into the shared environment.  The
slow test really installs it with ``pip install --target``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hub_server import FakeHub
from plugin_package import write_installed, write_project

from pairgen.pipeline.writer import parquet_writer

TOKEN = "hf_pluginTestSecret0123456789"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_installed(tmp_path_factory.mktemp("site"))


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[FakeHub]:
    with FakeHub(token=TOKEN) as server:
        yield server


def pairgen(
    *args: str, path: Path | None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m pairgen ARGS`` in a fresh interpreter, with ``path`` on PYTHONPATH."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if path is not None:
        environment["PYTHONPATH"] = str(path)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pairgen", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def hub_env(hub: FakeHub, tmp_path: Path) -> dict[str, str]:
    return {
        "HF_ENDPOINT": hub.url,
        "HF_TOKEN": TOKEN,
        "HF_HUB_OFFLINE": "0",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_XET": "1",
        "HF_TOKEN_PATH": str(tmp_path / "no-stored-token"),
        "NO_PROXY": "127.0.0.1",
    }


def build_and_validate(site: Path, out: Path) -> dict[str, object]:
    built = pairgen("build", "--source", "capitals", "--out", str(out), path=site)
    assert built.returncode == 0, built.stdout + built.stderr
    manifest: dict[str, object] = json.loads((out / "manifest.json").read_text())
    checked = pairgen("validate", str(out), path=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "valid" in checked.stdout
    return manifest


def test_a_plugin_source_and_strategy_build_validate_card_and_publish(
    site: Path, tmp_path: Path, hub: FakeHub
) -> None:
    out = tmp_path / "out"
    manifest = build_and_validate(site, out)
    entry = manifest["configs"]["capitals"]  # type: ignore[index]
    assert entry["strategy"] == "decoy" and entry["license"] == "cc0-1.0"
    train = entry["splits"]["train"]
    assert (train["rows_in"], train["rows_paired"], train["rejects_by_reason"]) == (
        8,
        7,
        {"no_decoy": 1},
    )
    rows = pq.read_table(out / train["shards"][0]["path"]).to_pylist()
    assert rows[0]["chosen"] == "The capital of France is Paris."
    assert rows[0]["rejected"] == "The capital of France is Lyon."

    carded = pairgen("card", str(out), path=site)
    assert carded.returncode == 0, carded.stdout + carded.stderr
    card = (out / "README.md").read_text()
    assert "license: cc0-1.0" in card and "@misc{capitals" in card

    published = pairgen(
        "publish",
        str(out),
        "--repo",
        "me/capitals",
        "--dry-run",
        path=site,
        env=hub_env(hub, tmp_path),
    )
    assert published.returncode == 0, published.stdout + published.stderr
    assert "would commit" in published.stdout
    assert "data/capitals/train-00000-of-00001.parquet" in published.stdout
    assert hub.writes() == []  # a dry run changes nothing


def test_validate_asks_the_plugin_strategy(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_and_validate(site, out)
    shard = out / "data" / "capitals" / "train-00000-of-00001.parquet"
    table = pq.read_table(shard)
    rejected = table.column("rejected").to_pylist()
    rejected[2] = rejected[2].replace("Sydney", "Melbourne")
    index = table.schema.get_field_index("rejected")
    table = table.set_column(index, table.schema.field(index), [rejected])
    writer = parquet_writer(shard, table.schema)
    writer.write_table(table)
    writer.close()
    checked = pairgen("validate", str(out), path=site)
    assert checked.returncode == 1
    assert (
        "train-00000-of-00001.parquet, row 2: decoy pair: rejected is not chosen with "
        "rejected_value in its place [decoy]"
    ) in checked.stdout


BUILT_IN_OPTIONS = {
    "choice_template": "letter",
    "clean_markup": True,
    "math_tier": "strict",
    "strip_annotations": False,
}


def test_a_plugin_strategy_option_from_a_flag_and_from_a_pipeline_file(
    site: Path, tmp_path: Path
) -> None:
    shown = pairgen("build", "--help", path=site)
    assert "--decoy-case [keep|upper]" in shown.stdout
    assert "Decoy: the decoy city as written (keep) or in capitals (upper)." in " ".join(
        shown.stdout.split()
    )
    flagged = tmp_path / "flagged"
    built = pairgen(
        "build", "--source", "capitals", "--decoy-case", "upper", "--out", str(flagged),
        path=site,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text("out: piped\noptions: {decoy_case: upper}\nsources: [{source: capitals}]\n")
    built = pairgen("build", str(pipeline), path=site)
    assert built.returncode == 0, built.stdout + built.stderr
    hashes = set()
    for out in (flagged, tmp_path / "piped"):
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["options"] == {**BUILT_IN_OPTIONS, "decoy_case": "upper"}
        hashes.add(manifest["config_hash"])
        rows = pq.read_table(out / "data/capitals/train-00000-of-00001.parquet").to_pylist()
        assert rows[0]["rejected"] == "The capital of France is LYON."
        checked = pairgen("validate", str(out), path=site)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        carded = pairgen("card", str(out), path=site)
        assert carded.returncode == 0, carded.stdout + carded.stderr
        card = (out / "README.md").read_text()
        assert "| option `decoy_case` | `upper` |" in card
        assert "strip_annotations" not in card  # pairgen's own options do not apply here
        command = next(line for line in card.splitlines() if line.startswith("pairgen build "))
        assert "--decoy-case upper" in command
    assert len(hashes) == 1  # the flag and the pipeline key are one setting


def test_a_plugin_changes_no_manifest_of_pairgen_s_own_strategies(
    site: Path, tmp_path: Path
) -> None:
    built = pairgen("build", "--source", "gsm8k", "--out", str(tmp_path / "out"), path=site)
    assert built.returncode == 0, built.stdout + built.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["options"] == BUILT_IN_OPTIONS


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            "out: o\noptions: {decoy_cases: upper}\nsources: [{source: capitals}]\n",
            (),
            "field 'decoy_cases': unknown key at options; allowed: choice_template, "
            "clean_markup, decoy_case, math_tier, strip_annotations",
        ),
        (
            "out: o\noptions: {decoy_case: lower}\nsources: [{source: capitals}]\n",
            (),
            "unknown decoy case 'lower'; known: keep, upper",
        ),
        (
            "out: o\nsources: [{source: capitals}]\n",
            ("--decoy-case", "lower"),
            "unknown decoy case 'lower'; choose from keep, upper",
        ),
    ],
)
def test_a_wrong_plugin_option_is_one_line(
    site: Path, tmp_path: Path, text: str, args: tuple[str, ...], message: str
) -> None:
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(text)
    failed = pairgen("build", str(pipeline), *args, path=site)
    assert failed.returncode == 2
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert not (tmp_path / "o").exists()


def test_without_the_plugin_its_names_are_unknown(tmp_path: Path) -> None:
    built = pairgen("build", "--source", "capitals", "--out", str(tmp_path / "out"), path=None)
    assert built.returncode == 2
    printed = built.stdout + built.stderr
    assert "unknown source 'capitals'; choose from arc, " in printed and "gsm8k" in printed
    assert "Traceback" not in built.stderr


@pytest.mark.slow
def test_a_pip_installed_plugin_builds_and_validates(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project")
    target = tmp_path / "target"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (target / "pairgen_capitals" / "samples" / "default" / "train.jsonl").is_file()
    manifest = build_and_validate(target, tmp_path / "out")
    assert list(manifest["configs"]) == ["capitals"]  # type: ignore[call-overload]


def test_the_card_describes_the_plugin_strategy_a_choice_source_was_built_with(
    site: Path, tmp_path: Path
) -> None:
    """Issue 26: MMLU built with a plugin's one-pair-per-question strategy; the card's
    strategy paragraph is that strategy's docstring, not the choice strategy's text."""
    out = tmp_path / "mmlu"
    tree = Path(__file__).resolve().parents[2]  # this checkout's pairgen, and the plugin
    env = {"PYTHONPATH": f"{site}{os.pathsep}{tree}"}
    built = pairgen("build", "--source", "mmlu", "--strategy", "onewrong", "--out", str(out),
                    path=site, env=env)  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    carded = pairgen("card", str(out), path=site, env=env)
    assert carded.returncode == 0, carded.stdout + carded.stderr
    card = (out / "README.md").read_text()
    assert (
        "Strategy `onewrong`: One pair per question: the right choice against the first wrong "
        "choice." in card
    )
    assert "every wrong choice gives one rejected completion" not in card
    assert "Three pairs per question" not in card
