"""The Hugging Face Hub from here: can it be reached (decided in milliseconds), and is a
name a Hub id or a local path.

Without a network, huggingface_hub and transformers retry each request with backoff:
``pairgen build --tokenizer gpt2`` took 52-57 s and printed 24 lines of retries before its
error (and 7 s with ``HF_HUB_OFFLINE=1``, all of it importing transformers).  Every stage
that would go to the Hub asks :func:`hub_unavailable` first: one TCP connection to the
endpoint (``HF_ENDPOINT`` or huggingface.co) with a short timeout, done once per process.
When it fails, the stage falls back to what is cached locally or stops with one line
naming the fix (``HF_HUB_OFFLINE=1`` to use the cache, a local path instead of a Hub id).

Behind an HTTP(S) proxy the endpoint is not reached directly, so no probe is made and the
libraries' own behaviour applies.
"""

from __future__ import annotations

import os
import socket
import threading
from functools import cache
from urllib.parse import urlsplit

DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_SECONDS = 3.0
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")
TRUE = {"1", "ON", "YES", "TRUE"}


def looks_like_path(value: str) -> bool:
    """Whether ``value`` can only be a local path, never a Hub id (``NAME`` or ``ORG/NAME``):
    absolute, home- or dot-relative, or more than one folder deep.  A missing one is then
    named as a missing path, not as a malformed Hub id."""
    return value.startswith(("/", "~", "./", "../")) or value.count("/") > 1 or "\\" in value


def endpoint() -> str:
    """The Hub endpoint, read now (huggingface_hub reads ``HF_ENDPOINT`` once, at import)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline_mode() -> bool:
    """``HF_HUB_OFFLINE`` is set: the user asked for the local cache only."""
    return os.environ.get("HF_HUB_OFFLINE", "").upper() in TRUE


def hub_unavailable(url: str | None = None) -> str | None:
    """Why the Hub (``url``, default :func:`endpoint`) cannot be used now: offline mode, or
    the endpoint does not answer.  ``None`` when it can, or when a proxy stands in between
    and only a request would tell."""
    if offline_mode():
        return "HF_HUB_OFFLINE is set"
    if any(os.environ.get(name) for name in PROXY_VARIABLES):
        return None
    return _probe((url or endpoint()).rstrip("/"))


@cache
def _probe(url: str) -> str | None:
    """Open and close one TCP connection to ``url``'s host; the failure, or ``None``.

    Name resolution has no timeout of its own, so the connection is made in a daemon
    thread that is given :data:`PROBE_SECONDS` in all.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    outcome: list[str | None] = []

    def connect() -> None:
        try:
            socket.create_connection((host, port), timeout=PROBE_SECONDS).close()
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc.strerror or type(exc).__name__)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(PROBE_SECONDS)
    if not outcome:
        return f"cannot reach the Hub at {url} (no answer within {PROBE_SECONDS:g} s)"
    reason = outcome[0]
    return None if reason is None else f"cannot reach the Hub at {url} ({reason})"


__all__ = ["DEFAULT_ENDPOINT", "endpoint", "hub_unavailable", "looks_like_path", "offline_mode"]
