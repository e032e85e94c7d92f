"""What a wheel install relies on: package data, shipped pipelines, no torch in the core.

The full check (a wheel in a fresh virtualenv, outside the tree) is ``make wheel-check``;
these tests catch the same mistakes in seconds: a data file the wheel would leave out, a
shipped pipeline that writes into site-packages, a core path that imports torch or
transformers, a missing extra that ends in a traceback.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from pairgen.config.pipeline_file import load_pipeline
from pairgen.config.shipped import shipped_pipelines
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.pipeline import build

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pairgen"
# Run a command with these modules made unimportable, as in a core install.
WITHOUT = (
    "import sys, runpy\n"
    "for name in sys.argv[1].split(','):\n"
    "    sys.modules[name] = None\n"
    "sys.argv = sys.argv[2:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


def run_without(
    modules: str, module: str, *args: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, modules, module, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_package_data_patterns_cover_every_data_file() -> None:
    """Every non-Python file in the package is matched by pyproject's package-data."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pairgen"]
    data = [
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert len(data) > 20
    missed = [f for f in data if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)]
    assert missed == []


def test_a_shipped_pipeline_by_name_writes_under_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert set(shipped_pipelines()) == {"demo", "math", "smaug"}
    assert load_pipeline(Path("demo")).out == tmp_path / "out" / "demo"
    assert load_pipeline(Path("smaug.yaml")).out == tmp_path / "out" / "smaug"
    assert load_pipeline(Path("math"), {"out": Path("elsewhere")}).out == Path("elsewhere")
    # a file of that name where the command runs wins over the shipped one
    Path("demo").write_text("out: mine\nsources: [{source: gsm8k}]\n", encoding="utf-8")
    assert load_pipeline(Path("demo")).out.resolve() == tmp_path / "mine"
    with pytest.raises(PairgenError, match=r"not found \(shipped pipelines: demo, math, smaug\)"):
        load_pipeline(Path("nope"))


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small BPE tokenizer trained here, saved the way Hub tokenizers are."""
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<unk>", "<eos>"])
    texts = [f"She has {n} + {n + 2} = <<{n}+{n + 2}={2 * n + 2}>>{2 * n + 2}." for n in range(200)]
    tokenizer.train_from_iterator(texts, trainer=trainer)
    directory = tmp_path_factory.mktemp("tokenizer")
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="<unk>").save_pretrained(
        directory
    )
    return directory


def test_token_statistics_without_transformers_match_the_transformers_path(
    tmp_path: Path, tokenizer_dir: Path
) -> None:
    with_transformers = tmp_path / "with"
    build(
        BuildSpec(
            out=with_transformers, sources=(SourceSpec("gsm8k"),), tokenizer=str(tokenizer_dir)
        )
    )
    done = run_without(
        "transformers,torch",
        "pairgen",
        "build", "--source", "gsm8k", "--tokenizer", str(tokenizer_dir), "--out", "without",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for shard in sorted(with_transformers.glob("data/*/*.parquet")):
        twin = tmp_path / "without" / shard.relative_to(with_transformers)
        assert pq.read_table(twin).equals(pq.read_table(shard))
    token_columns = pq.read_table(twin, columns=["chosen_tokens"]).column(0)
    assert token_columns.null_count == 0


def test_train_without_torch_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    build(BuildSpec(out=tmp_path / "out", sources=(SourceSpec("gsm8k"),)))
    done = run_without("torch", "pairgen", "train", "out", "--run-dir", "run", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: torch is not installed; pip install 'pairgen[train]' adds it"
    ]


def test_the_core_commands_never_import_torch(tmp_path: Path) -> None:
    """build, stats, card, validate and query run with torch and transformers unimportable."""
    (tmp_path / "train.jsonl").write_text(
        json.dumps(
            {
                "question": "Add 2 and 3, then 4.",
                "answer": "2+3 = <<2+3=5>>5\n5+4 = <<5+4=9>>9\n#### 9",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    commands = [
        ["build", "--source", "gsm8k", "--from", "files", "--data-files", "train=train.jsonl", "--out", "out"],
        ["stats", "out"],
        ["card", "out"],
        ["validate", "out"],
        ["query", "out", "--file", "reject_reasons"],
    ]  # fmt: skip
    for command in commands:
        done = run_without("torch,transformers", "pairgen", *command, cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
