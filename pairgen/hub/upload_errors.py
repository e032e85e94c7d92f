"""The wording of Hub failures: one clear line each, never containing the token.

The token comes from ``HF_TOKEN`` or ``hf auth login`` through huggingface_hub and is only
ever put in request headers; error messages are built from status codes and server
messages and scrubbed of it all the same, so no printed or logged failure can leak it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pairgen.errors import REDACTED, PairgenError, whole_message
from pairgen.errors import redact as redact_secrets


def redact(text: str, token: str | None) -> str:
    """``text`` without ``token`` (the one publish sends) or any other known token."""
    return redact_secrets(text.replace(token, REDACTED) if token else text)


@contextmanager
def hub_errors(endpoint: str, repo_id: str, token: str | None) -> Iterator[None]:
    """Turn client, HTTP and network failures into one clear line (never containing the token)."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled, RepositoryNotFoundError

    try:
        yield
    except PairgenError:
        raise
    except OfflineModeIsEnabled as exc:
        raise PairgenError(
            "HF_HUB_OFFLINE is set: publishing needs the network; no commit was made"
        ) from exc
    except RepositoryNotFoundError as exc:
        raise PairgenError(
            f"dataset repo {repo_id!r} not found or not accessible with this token at {endpoint}; "
            "no commit was made"
        ) from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        raise PairgenError(redact(_http_message(status, endpoint, repo_id, exc), token)) from exc
    except (httpx2.TransportError, OSError) as exc:
        raise PairgenError(
            redact(
                f"cannot reach the Hub at {endpoint}: {type(exc).__name__}: {exc}; "
                "no commit was made",
                token,
            )
        ) from exc
    except (ValueError, RuntimeError) as exc:  # README rejected by the Hub, failed LFS upload
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        raise PairgenError(
            redact(f"publishing failed: {exc}{cause}; no commit was made", token)
        ) from exc


def _http_message(status: int | None, endpoint: str, repo_id: str, exc: Exception) -> str:
    if status == 401:
        return (
            f"authentication failed at {endpoint} (HTTP 401): the token is missing, invalid "
            "or expired; "
            "set HF_TOKEN or run `hf auth login`; no commit was made"
        )
    if status == 403:
        return (
            f"permission denied for {repo_id!r} (HTTP 403): the token cannot write there; "
            "no commit was made"
        )
    return f"the Hub refused the request (HTTP {status}): {whole_message(exc)}; no commit was made"


__all__ = ["hub_errors", "redact"]
