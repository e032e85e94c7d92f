"""One set of conventions on every command (pairgen.cli.conventions), checked by walking
the click group: a command added later is checked without anyone listing it here."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pairgen.cli import cli
from pairgen.cli.conventions import INTERRUPTED, number, plural
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.pipeline import build

from pairgen_rows import GSM8K_ROWS, write_jsonl


def commands() -> list[str]:
    with click.Context(cli) as ctx:
        return cli.list_commands(ctx)


def command(name: str) -> click.Command:
    with click.Context(cli) as ctx:
        found = cli.get_command(ctx, name)
    assert found is not None
    return found


def option_names(name: str) -> set[str]:
    return {opt for p in command(name).params for opt in (*p.opts, *p.secondary_opts)}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-split build from the bundled samples: one shard, so counts say `1 shard`."""
    out = tmp_path_factory.mktemp("conventions") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec("gsm8k", splits=("train",)),)))
    return out


def test_the_walk_sees_every_command() -> None:
    assert {"build", "stats", "query", "validate", "card", "publish", "train", "report"} <= set(
        commands()
    )


@pytest.mark.parametrize("name", commands())
def test_every_command_takes_quiet_and_json(name: str) -> None:
    assert {"-q", "--quiet", "--json"} <= option_names(name), name
    for param in command(name).params:  # JSON is spelled --json, never a --format value
        assert "json" not in getattr(param.type, "names", ()), (name, param.name)


@pytest.mark.parametrize("name", commands())
def test_a_usage_error_is_one_error_line_naming_the_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--no-such-flag"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: pairgen {name}: no such option '--no-such-flag'")
    assert f"(see 'pairgen {name} --help')" in result.stderr


def test_a_mistyped_command_or_option_gets_a_suggestion() -> None:
    result = CliRunner().invoke(cli, ["biuld"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: pairgen: no such command 'biuld'; did you mean 'build'? (see 'pairgen --help')\n"
    )
    option = CliRunner().invoke(cli, ["validate", "x", "--jsn"])
    assert "did you mean '--json'?" in option.stderr and option.stderr.count("\n") == 1
    choice = CliRunner().invoke(cli, ["build", "--source", "gsm8kk"])
    assert "did you mean 'gsm8k'?" in choice.stderr and choice.stderr.count("\n") == 1


def test_json_is_the_only_thing_on_stdout(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # publish --dry-run plans from the local files
    runs = {
        "validate": ["validate", str(out), "--json"],
        "stats": ["stats", str(out), "--json", "--no-plots"],
        "query": ["query", str(out), "SELECT split, count(*) AS n FROM pairs GROUP BY 1", "--json"],
        "card": ["card", str(out), "--json"],
        "publish": ["publish", str(out), "--repo", "org/name", "--dry-run", "--json"],
    }
    documents = {}
    for name, args in runs.items():
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (name, result.stderr)
        documents[name] = json.loads(result.stdout)
    assert documents["validate"]["ok"] is True
    assert documents["stats"]["splits"][0]["pairs"] == 27
    # the rejects table is in the document too (three sample rows have nothing to edit,
    # two only compute the final answer: tests/sources/test_sources_math.py NO_PAIR)
    where = {"source": "gsm8k", "config": "gsm8k", "split": "train"}
    assert documents["stats"]["rejects"] == [
        {**where, "reason": "no_intermediate_result", "rows": 3},
        {**where, "reason": "results_all_equal_final_answer", "rows": 2},
    ]
    assert documents["query"] == [{"split": "train", "n": 27}]
    assert documents["publish"]["remote_checked"] is False and documents["publish"]["upload"]


def test_quiet_leaves_out_what_a_script_does_not_need(out: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["card", str(out), "-q"]).stdout == ""
    assert runner.invoke(cli, ["validate", str(out), "-q"]).stdout == ""
    table = runner.invoke(cli, ["query", str(out), "SELECT 1 AS one", "-q"]).stdout
    assert "one" in table and "row" not in table.splitlines()[-1]


def test_counts_and_numbers_read_right(out: Path) -> None:
    shown = CliRunner().invoke(cli, ["validate", str(out)]).stdout
    assert "27 pairs in 1 shard," in shown
    table = CliRunner().invoke(cli, ["query", str(out), "SELECT 51.0::DOUBLE AS x"]).stdout
    assert " 51 " in table and "51.0000" not in table and table.endswith("1 row\n")
    assert all(line == line.rstrip() for line in table.splitlines())  # piped: no padding
    assert (plural(1, "shard"), plural(1204, "violation")) == ("1 shard", "1,204 violations")
    assert [number(v) for v in (51.0, 0.02981, 1234.5, 0.0, 0.00001234)] == [
        "51",
        "0.0298",
        "1,234.5",
        "0",
        "1.234e-05",
    ]


@pytest.mark.parametrize("args", [["validate"], ["build", "--no-such-flag"]])
def test_no_color_turns_every_colour_off(
    out: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = [args[0], str(out), *args[1:]]
    coloured = CliRunner().invoke(cli, argv, color=True)  # as on a terminal
    assert "\x1b[" in coloured.output  # the check can fail: colour is there without NO_COLOR
    monkeypatch.setenv("NO_COLOR", "1")
    plain = CliRunner().invoke(cli, argv, color=True)
    assert "\x1b[" not in plain.output and plain.exit_code == coloured.exit_code


def test_ctrl_c_exits_130_and_leaves_out_as_it_was(tmp_path: Path) -> None:
    """A real build, interrupted by SIGINT once it has started staging."""
    rows = tmp_path / "train.jsonl"
    write_jsonl(rows, GSM8K_ROWS * 4000)
    out = tmp_path / "out"
    build_args = ["build", "--source", "gsm8k", "--data-files", f"train={rows}"]
    process = subprocess.Popen(
        [sys.executable, "-m", "pairgen", *build_args, "--out", str(out), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PAIRGEN_DEBUG": "0"},
    )
    staging = out / ".pairgen" / "staging"
    while not staging.exists() and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    if not staging.exists() and (out / "manifest.json").exists():
        pytest.skip("the build finished before it could be interrupted")
    assert process.returncode == INTERRUPTED, stderr
    assert "Aborted" not in stderr and "Traceback" not in stderr and stdout == ""
    assert not (out / "manifest.json").exists() and not (out / "data").exists()
