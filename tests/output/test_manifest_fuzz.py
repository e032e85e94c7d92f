"""Every command refuses a crafted manifest with one error line, never a traceback.

Hypothesis mutates one value of a real build's manifest (a wrong type, a path out of OUT
or into it, a NUL, a negative or non-finite number, an unknown version) and feeds the
folder to validate, query, stats, card and publish --dry-run, the commands that read a
manifest.  Each must print exactly one ``error:`` line and exit 2, the same refusal the
typed reader (:func:`pairgen.output.manifest.read_manifest`) gives.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.errors import PairgenError
from pairgen.output.manifest import MANIFEST_NAME, Manifest, read_manifest_json
from pairgen.pipeline import build

PATHS = ["../../etc/passwd", "/etc/passwd", "", "data/gsm8k", "manifest.json", "data/\x00x"]
HOSTILE: list[Any] = [
    *PATHS,
    "x\x00y",
    -1,
    -(2**70),
    float("nan"),
    float("inf"),
    1.5,
    True,
    "abc",
    [],
    {},
    {"a": 1},
    None,
    99,
]
COMMANDS = (
    ("validate",),
    ("query", "{out}", "SELECT count(*) FROM pairs"),
    ("stats", "{out}", "--no-plots"),
    ("card",),
    ("publish", "{out}", "--repo", "me/pairs", "--dry-run"),
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("fuzz") / "out"
    build(BuildSpec(out=out, sources=(SourceSpec("gsm8k"), SourceSpec("arc", "ARC-Easy"))))
    return out, read_manifest_json(out)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in the manifest (objects, lists and scalars alike)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += leaves(child, (*path, index))
    return found


def mutated(manifest: dict[str, Any], path: tuple[Any, ...], value: Any, rename: bool) -> Any:
    result = copy.deepcopy(manifest)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    if rename and isinstance(parent, dict):  # a name (config, split) instead of a value
        parent[value if isinstance(value, str) else str(value)] = parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return result


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
            status = 0
        except SystemExit as exc:
            status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_command_refuses_a_crafted_manifest_with_one_line(
    pristine: tuple[Path, dict[str, Any]], tmp_path: Path, data: st.DataObject
) -> None:
    source, manifest = pristine
    path = data.draw(st.sampled_from(leaves(manifest)), label="path")
    value = data.draw(st.sampled_from(HOSTILE), label="value")
    rename = data.draw(st.booleans(), label="rename") and isinstance(value, str)
    crafted = mutated(manifest, path, value, rename)
    try:
        Manifest.from_json(crafted)
    except PairgenError:
        pass
    else:
        assume(False)  # still a valid manifest (e.g. a license replaced by "abc")
    out = tmp_path / f"out-{abs(hash((path, repr(value), rename)))}"
    shutil.copytree(source, out)
    (out / MANIFEST_NAME).write_text(json.dumps(crafted), encoding="utf-8")
    for command in COMMANDS:
        args = [a.format(out=out) for a in command] if len(command) > 1 else [*command, str(out)]
        status, stdout, stderr = run(*args)
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert status == 2, (command, path, value, stdout, stderr)
        assert len(lines) == 1 and lines[0].startswith("error: "), (command, stderr)
        assert "Traceback" not in stderr + stdout
    shutil.rmtree(out)


@pytest.mark.parametrize("shard_path", PATHS)
def test_a_shard_path_that_is_not_the_builds_is_named(
    pristine: tuple[Path, dict[str, Any]], shard_path: str
) -> None:
    _, manifest = pristine
    crafted = copy.deepcopy(manifest)
    crafted["configs"]["gsm8k"]["splits"]["train"]["shards"][0]["path"] = shard_path
    with pytest.raises(PairgenError, match=r"shards\[0\]"):
        Manifest.from_json(crafted)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seed", "x"),
        ("seed", float("nan")),
        ("seed", 12345),  # a changed seed: the settings no longer hash to config_hash
        ("manifest_version", 99),
        ("manifest_version", 0),
        ("tokenizer", {"name": "x"}),
        ("format", "weird"),
    ],
)
def test_plain_validate_refuses_what_the_reader_refuses(
    pristine: tuple[Path, dict[str, Any]], tmp_path: Path, field: str, value: Any
) -> None:
    source, manifest = pristine
    out = tmp_path / "out"
    shutil.copytree(source, out)
    (out / MANIFEST_NAME).write_text(json.dumps({**manifest, field: value}), encoding="utf-8")
    status, _, stderr = run("validate", str(out))
    assert status == 2 and stderr.count("\n") == 1 and field in stderr, stderr


def test_a_changed_strategy_is_refused(
    pristine: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    source, manifest = pristine
    crafted = copy.deepcopy(manifest)
    crafted["configs"]["gsm8k"]["strategy"] = "nope"
    out = tmp_path / "out"
    shutil.copytree(source, out)
    (out / MANIFEST_NAME).write_text(json.dumps(crafted), encoding="utf-8")
    status, _, stderr = run("validate", str(out))
    assert status == 2 and "config_hash" in stderr
