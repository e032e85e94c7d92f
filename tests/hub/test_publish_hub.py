"""``pairgen publish`` end to end: the real huggingface_hub client against a local Hub."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from build_outputs import tiny_png
from hub_server import TEST_REPO, TEST_TOKEN, FakeHub

import pairgen.hub.upload as publish_module
from pairgen.cli import main
from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.hub.card import write_card
from pairgen.output.manifest import read_manifest
from pairgen.pipeline import build

TOKEN = TEST_TOKEN
REPO = TEST_REPO


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def shipped(out: Path) -> list[str]:
    """The files a publish must send: card, manifest, shards, rejects, plots."""
    return sorted({"README.md", "manifest.json", "plots/ned.png", *read_manifest(out).files()})


def listed(output: str, action: str) -> list[str]:
    return sorted(
        line.split()[1] for line in output.splitlines() if line.startswith(f"  {action} ")
    )


def test_publish_commits_every_file_once_and_never_leaks_the_token(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert run("publish", str(out), "--repo", REPO, "--private") == 0
    printed = capfd.readouterr()
    assert len(hub.commits) == 1
    commit = hub.commits[0]
    assert sorted(commit.added) == shipped(out) and commit.deleted == []
    assert {p for p in commit.lfs if p.endswith(".parquet")} == {
        p for p in shipped(out) if p.endswith(".parquet")
    }
    files = hub.files(REPO)
    for path in shipped(out):
        assert files[path] == (out / path).read_bytes()
    assert hub.repos[REPO].private
    validated = [r for r in hub.requests if r.path == "/api/validate-yaml"]
    assert validated and b"config_name: gsm8k" in validated[0].body
    assert f"committed {hub.url}/datasets/{REPO}/commit/{commit.oid}" in printed.out
    # The token went where it belongs, and nowhere else.
    writes = hub.writes()
    # Every API write carries it; the LFS storage PUTs (pre-signed URLs on the real Hub) do not.
    storage = [r for r in writes if r.path.startswith("/lfs-upload/")]
    assert storage and all("authorization" not in r.headers for r in storage)
    api_writes = [r for r in writes if r not in storage]
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in api_writes)
    assert TOKEN not in printed.out + printed.err + caplog.text
    assert not any(TOKEN.encode() in r.body or TOKEN in r.path for r in hub.requests)
    assert not any(TOKEN.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_dry_run_lists_exactly_what_publish_sends(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert run("publish", str(out), "--repo", REPO, "--dry-run") == 0
    dry = capfd.readouterr().out
    assert "would commit" in dry and "repo will be created" in dry
    assert hub.writes() == []  # a dry run changes nothing
    assert run("publish", str(out), "--repo", REPO) == 0
    assert listed(dry, "upload") == sorted(hub.commits[0].added) == shipped(out)
    # Once published, a changed build: the dry run names the changed and stale files only.
    stale = "data/gsm8k/train-00001-of-00002.parquet"
    hub.repos[REPO].branches["main"][stale] = b"old shard"
    build(BuildSpec(out=out, sources=(SourceSpec(source="gsm8k"),), seed=99))
    write_card(out, repo_id=REPO)
    capfd.readouterr()
    assert run("publish", str(out), "--repo", REPO, "--dry-run") == 0
    dry = capfd.readouterr().out
    assert run("publish", str(out), "--repo", REPO) == 0
    second = hub.commits[1]
    assert listed(dry, "upload") == sorted(second.added)
    assert listed(dry, "delete") == sorted(second.deleted)
    assert (
        stale in second.deleted and "data/arc-easy/train-00000-of-00001.parquet" in second.deleted
    )
    assert "README.md" in second.added and "manifest.json" in second.added
    assert sorted(p for p in hub.files(REPO) if p.startswith("data/")) == [
        p for p in shipped(out) if p.startswith("data/")
    ]


def test_republishing_identical_content_makes_no_commit(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert run("publish", str(out), "--repo", REPO) == 0
    before = len(hub.requests)
    capfd.readouterr()
    assert run("publish", str(out), "--repo", REPO) == 0
    assert "already up to date, no commit made" in capfd.readouterr().out
    assert len(hub.commits) == 1
    again = hub.requests[before:]
    assert again and all(r.method == "GET" for r in again)


def test_publish_refuses_a_build_that_fails_validation(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    shard = out / "data" / "gsm8k" / "train-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    assert run("publish", str(out), "--repo", REPO) == 2
    assert "validation failed, no commit was made" in capfd.readouterr().err.replace("\n", " ")
    assert hub.requests == []


def test_publish_refuses_a_card_of_another_build(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    card = out / "README.md"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("num_examples: ", "num_examples: 1", 1), encoding="utf-8")
    assert run("publish", str(out), "--repo", REPO) == 2
    assert "README.md does not describe this build" in capfd.readouterr().err.replace("\n", " ")
    assert hub.requests == []


def test_a_rejected_token_is_a_clear_failure(
    hub: FakeHub, out: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    wrong = "hf_wrongSecret9876543210"
    monkeypatch.setenv("HF_TOKEN", wrong)
    assert run("publish", str(out), "--repo", REPO) == 2
    printed = capfd.readouterr()
    assert "authentication failed" in printed.err and "no commit was made" in printed.err
    assert wrong not in printed.out + printed.err and "committed" not in printed.out
    assert hub.commits == [] and hub.repos == {}


def test_no_token_at_all_is_refused_before_any_request(
    hub: FakeHub, out: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HF_TOKEN")
    assert run("publish", str(out), "--repo", REPO) == 2
    assert "no Hugging Face token" in capfd.readouterr().err
    assert hub.requests == []


def test_an_unreachable_hub_is_a_clear_failure(
    hub: FakeHub, out: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert run("publish", str(out), "--repo", REPO) == 2
    err = capfd.readouterr().err.replace("\n", " ")
    assert f"cannot reach the Hub at http://127.0.0.1:{port}" in err and TOKEN not in err


def test_the_hub_rejecting_the_card_metadata_is_a_failure(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    hub.yaml_errors = ['"license" must be a known license']
    assert run("publish", str(out), "--repo", REPO) == 2
    err = capfd.readouterr().err.replace("\n", " ")
    assert "Invalid metadata in README.md" in err and "must be a known license" in err
    assert hub.commits == []


def test_revision_commits_to_a_new_branch_and_create_pr_opens_a_pr(
    hub: FakeHub, out: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert run("publish", str(out), "--repo", REPO, "--revision", "v1") == 0
    assert hub.commits[0].revision == "v1"
    assert set(hub.files(REPO, "v1")) >= set(shipped(out))
    assert set(hub.files(REPO, "main")) == {".gitattributes"}
    capfd.readouterr()
    assert run("publish", str(out), "--repo", REPO, "--create-pr") == 0
    assert hub.commits[1].revision == "refs/pr/1" and hub.commits[1].pr == 1
    assert f"opened pull request {hub.url}/datasets/{REPO}/discussions/1" in capfd.readouterr().out
    assert set(hub.files(REPO, "main")) == {".gitattributes"}


def test_repo_id_must_be_org_slash_name(hub: FakeHub, out: Path) -> None:
    assert run("publish", str(out), "--repo", "no-namespace") == 2
    assert hub.requests == []


def test_a_missing_card_is_written_before_publishing(hub: FakeHub, out: Path) -> None:
    (out / "README.md").unlink()
    assert run("publish", str(out), "--repo", REPO) == 0
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f'load_dataset("{REPO}", "gsm8k")' in card
    assert hub.files(REPO)["README.md"] == card.encode()


def test_a_push_after_the_plan_fails_instead_of_overwriting(
    hub: FakeHub, out: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    assert run("publish", str(out), "--repo", REPO) == 0
    (out / "plots" / "ned.png").write_bytes(tiny_png(7))
    real_plan = publish_module.plan_publish

    def plan_then_someone_pushes(*args: Any) -> Any:
        plan = real_plan(*args)
        hub.repos[REPO].heads["main"] = "0" * 40  # a concurrent commit lands now
        return plan

    monkeypatch.setattr(publish_module, "plan_publish", plan_then_someone_pushes)
    assert run("publish", str(out), "--repo", REPO) == 2
    err = capfd.readouterr().err.replace("\n", " ")
    assert "HTTP 412" in err and "A commit has happened since parentCommit" in err
    assert len(hub.commits) == 1
