"""Checks on the raw fields a source reads, before it reads them: encoding and size.

Two kinds of field break the build downstream rather than the source itself, so they are
caught here, once for every source, and the row becomes a reject naming the field:

- ``bad_encoding``: text UTF-8 cannot encode.  JSON allows lone UTF-16 surrogates
  (``"\\ud83d"``, half an emoji) and pairgen reads bytes that are not UTF-8 as lone
  surrogates; Python holds them in ``str``, but neither Arrow nor a hash of the id can.
- ``too_long``: a line of a text file too long to hold a row the build would keep
  (:class:`OversizedLine`, never read into memory), or a field over the build's
  ``max_field_chars`` (default :data:`DEFAULT_MAX_FIELD_CHARS`, ``--max-field-chars``).
  Edit distance is quadratic in the length of the texts it compares: one HellaSwag row
  with four 1 MB endings took two minutes; at the default limit the worst pair takes a
  fraction of a second.  A list field (ARC ``choices``, HellaSwag ``endings``) counts all
  its texts together, so the limit also bounds the prompt that lists them.

Nested values are walked without recursion (a row may nest up to
:data:`~pairgen.sources.nesting.MAX_NESTING` levels); dictionary keys are not text a
source reads and are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pairgen.errors import RowRejected


class OversizedLine(dict[str, Any]):
    """A line longer than :func:`max_line_bytes`, in place of the row it held: no field
    of it was kept (it was never in memory), and the source rejects it as ``too_long``."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__()
        self.length = length
        self.limit = limit


def check_fields(row: Mapping[str, Any], columns: Iterable[str], max_chars: int) -> None:
    """Raise ``RowRejected`` when one of ``columns`` of ``row`` is not valid Unicode or too long."""
    if isinstance(row, OversizedLine):
        raise RowRejected(
            "too_long",
            f"a line of {row.length:,} bytes, over the {row.limit:,} a row may take "
            "(--max-field-chars); skipped unread",
        )
    for column in columns:
        value = row.get(column)
        if type(value) is str:  # the common case, without building a stack
            if not value.isascii():
                _check_text(value, column)
            if len(value) > max_chars:
                raise _too_long(column, len(value), max_chars)
        elif type(value) is list and _flat_texts_fit(value, column, max_chars):
            continue  # a list of texts (endings)
        elif isinstance(value, list | tuple | Mapping):
            _check_nested(value, column, max_chars)


def _flat_texts_fit(values: list[Any], column: str, max_chars: int) -> bool:
    """Check a list of texts in one loop; ``False`` when it holds something else."""
    total = 0
    for index, text in enumerate(values):
        if type(text) is not str:
            return False
        if not text.isascii():
            _check_text(text, f"{column}[{index}]")
        total += len(text)
    if total > max_chars:
        raise _too_long(column, total, max_chars)
    return True


def _check_nested(value: Any, column: str, max_chars: int) -> None:
    """The texts of a nested field, walked without recursion; paths only as needed."""
    total = 0
    stack: list[tuple[Any, Any, Any]] = [(None, column, value)]  # (parent entry, key, item)
    while stack:
        entry = stack.pop()
        item = entry[2]
        if isinstance(item, str):
            if not item.isascii():
                _check_text(item, _path(entry))
            total += len(item)
            if total > max_chars:
                raise _too_long(column, total, max_chars)
        elif isinstance(item, Mapping):  # (reversed: the first bad text is the one named)
            stack += reversed([(entry, f".{ascii(k)[1:-1]}", v) for k, v in item.items()])
        elif isinstance(item, list | tuple):
            stack += reversed([(entry, i, v) for i, v in enumerate(item)])


def _path(entry: tuple[Any, Any, Any]) -> str:
    """``choices.label[1]``: the path of a stack entry, built only for an error."""
    parts: list[str] = []
    while entry is not None:
        parent, key, _ = entry
        parts.append(f"[{key}]" if isinstance(key, int) else str(key))
        entry = parent
    return "".join(reversed(parts))


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RowRejected(
            "bad_encoding",
            f"field {path!r} is not valid Unicode at character {exc.start} ({exc.reason})",
        ) from None


def _too_long(column: str, length: int, limit: int) -> RowRejected:
    return RowRejected(
        "too_long",
        f"field {column!r} has {length:,} characters, over the limit of {limit:,} "
        "(max_field_chars, --max-field-chars)",
    )


__all__ = ["OversizedLine", "check_fields"]
