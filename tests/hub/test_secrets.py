"""The Hub token is never printed: not in an error, not in a --debug traceback.

A local server on 127.0.0.1 answers every request with HTTP 400 quoting the request's
headers back (``'authorization': 'Bearer hf_...'``), as a misconfigured proxy would; real
``python -m pairgen`` processes talk to it with ``HF_TOKEN`` set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_server import TEST_TOKEN, FakeHub

from pairgen.errors import REDACTED, redact

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def echo() -> Iterator[FakeHub]:
    with FakeHub(token=TEST_TOKEN, echo=True) as server:
        yield server


def run(echo: FakeHub, tmp_path: Path, *args: str, debug: str = "") -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_TOKEN": TEST_TOKEN,
        "HF_ENDPOINT": echo.url,
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HOME": str(tmp_path / "hf-home"),
    }
    if debug == "env":
        env["PAIRGEN_DEBUG"] = "1"
    flags = ["--debug"] if debug == "flag" else []
    done = subprocess.run(
        [sys.executable, "-m", "pairgen", *args, *flags],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode != 0
    return done.stdout + done.stderr


@pytest.mark.parametrize("debug", ["", "flag", "env"])
def test_an_echoed_authorization_header_is_masked(
    echo: FakeHub, tmp_path: Path, debug: str
) -> None:
    printed = run(
        echo,
        tmp_path,
        "build",
        "--source",
        "gsm8k",
        "--from",
        "hub",
        "--out",
        str(tmp_path / "o"),
        debug=debug,
    )
    assert TEST_TOKEN not in printed
    assert f"Bearer {REDACTED}" in printed  # the server did echo it: the mask is what hid it
    assert ("Traceback" in printed) == bool(debug)
    assert any(r.headers.get("authorization") == f"Bearer {TEST_TOKEN}" for r in echo.requests)


def test_redact_masks_known_tokens_and_token_shapes() -> None:
    text = f"a {TEST_TOKEN} b Bearer abcdefgh12345 c https://user:pw123@host/x"
    masked = redact(text, [TEST_TOKEN])
    assert TEST_TOKEN not in masked and "abcdefgh12345" not in masked and "pw123" not in masked
    assert redact("set HF_TOKEN or run `hf auth login`", []) == (
        "set HF_TOKEN or run `hf auth login`"
    )
