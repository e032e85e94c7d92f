"""Publish tests share one sample build (copied per test) and the local test Hub."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from build_outputs import tiny_png
from hub_server import TEST_REPO, TEST_TOKEN, FakeHub
from huggingface_hub import constants

from pairgen.config.spec import BuildSpec, SourceSpec
from pairgen.hub.card import write_card
from pairgen.pipeline import build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A combined build with a card and one plot, copied by each test that publishes it."""
    out = tmp_path_factory.mktemp("publish") / "out"
    sources = (SourceSpec(source="gsm8k"), SourceSpec(source="arc", config="ARC-Easy"))
    build(BuildSpec(out=out, sources=sources))
    (out / "plots").mkdir()
    (out / "plots" / "ned.png").write_bytes(tiny_png())
    write_card(out, repo_id=TEST_REPO)
    return out


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(built, copy)
    return copy


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    with FakeHub(token=TEST_TOKEN) as server:
        monkeypatch.setenv("HF_TOKEN", TEST_TOKEN)
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        monkeypatch.setenv("HF_HUB_OFFLINE", "0")
        # huggingface_hub reads these at import time; the local Hub speaks LFS, not Xet.
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
        monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-stored-token"))
        # Side requests huggingface_hub makes to its import-time endpoint go here too.
        monkeypatch.setattr(constants, "ENDPOINT", server.url)
        monkeypatch.setattr(socket, "getaddrinfo", loopback_only(socket.getaddrinfo))
        yield server


def loopback_only(resolve: Any) -> Any:
    """``getaddrinfo`` that refuses every host but the loopback address (no real Hub)."""

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", b"127.0.0.1"):
            raise OSError(f"test tried to reach {host!r}")
        return resolve(host, *args, **kwargs)

    return guarded
