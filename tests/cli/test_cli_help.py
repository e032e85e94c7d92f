"""The command line's conventions: lazy imports, --version, choices, an epilog that is true."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import pairgen
from pairgen.cli import cli
from pairgen.cli.commands import COMMANDS
from pairgen.cli.train_cmd import TRAIN_FLAGS
from pairgen.sources import source_names
from pairgen.training.config import TrainConfig

PACKAGE = Path(pairgen.__file__).parent
HEAVY = (
    "pyarrow",
    "duckdb",
    "datasets",
    "torch",
    "transformers",
    "huggingface_hub",
    "jinja2",
    "matplotlib",
    "numpy",
    "rich",
)


def loaded_after(*args: str) -> set[str]:
    """Which heavy top-level modules ``pairgen ARGS`` imports, in a fresh interpreter."""
    script = (
        "import sys\nfrom pairgen.cli import main\n"
        f"main({list(args)!r})\n"
        f"print('\\n' + __import__('json').dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


# build --help lists the sources, backends and choice templates: read from the light
# registries, never through the source and strategy classes (pyarrow, numpy)
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["build", "--help"]])
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    assert loaded_after(*args) == set()


def test_train_help_reads_the_config_without_torch() -> None:
    assert loaded_after("train", "--help") == set()


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"pairgen {pairgen.__version__}"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_help_has_no_bool_noise(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"], prog_name="pairgen")
    assert result.exit_code == 0, result.output
    assert COMMANDS[command][1] in " ".join(result.output.split())
    assert "BOOLEAN" not in result.output and "<bool>" not in result.output


def test_root_help_lists_every_environment_variable_pairgen_reads() -> None:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        names |= set(re.findall(r"\bPAIRGEN_[A-Z0-9_]+\b", path.read_text(encoding="utf-8")))
    assert "PAIRGEN_DEBUG" in names
    shown = CliRunner().invoke(cli, ["--help"]).output
    assert sorted(n for n in names if n not in shown) == []
    assert "--debug" in shown and "Examples:" in shown


def test_enumerated_options_list_their_registry() -> None:
    shown = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "[" + "|".join(source_names()) + "]" in shown
    assert "[standard|conversational]" in shown and "[process|ray]" in shown
    assert "--clean-markup / --no-clean-markup" in shown


def test_a_bad_choice_is_a_usage_error_naming_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--source", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "unknown source 'nope'; choose from" in message and "gsm8k" in message
    assert not tmp_path.joinpath("manifest.json").exists()


def test_every_train_setting_is_an_option_with_its_config_default() -> None:
    fields = set(TrainConfig.__dataclass_fields__)
    assert set(TRAIN_FLAGS) == fields - {"out_dir"}
    shown = " ".join(CliRunner().invoke(cli, ["train", "--help"]).output.split())
    assert "(default: 50)" in shown and "(default: dpo, dpop)" in shown
    assert "--truncate / --skip-long" in shown and "--progress / -q, --quiet" in shown


def test_a_train_check_reaches_the_user_as_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pairgen",
            "train",
            str(tmp_path),
            "--run-dir",
            str(tmp_path / "r"),
            "--steps",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "error: steps must be >= 1, got 0"


def test_train_help_says_what_attention_auto_picks_on_every_device() -> None:
    """Issue 26: ``auto`` keeps the dense mask (sdpa) until the flex path has run on a GPU
    (``AUTO_FLEX_DEVICES`` empty); the help said "flex on CUDA".  When the constant is
    flipped this test fails, so the help is updated with it."""
    from pairgen.training.loop.attention import AUTO_FLEX_DEVICES

    shown = " ".join(CliRunner().invoke(cli, ["train", "--help"]).output.split())
    assert AUTO_FLEX_DEVICES == ()
    assert "auto: sdpa on every device for now" in shown
    assert "auto: flex on CUDA" not in shown
