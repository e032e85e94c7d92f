"""The arithmetic-pair invariant, checked fast enough for ``pairgen validate``.

The definition lives in :func:`pairgen.strategies.arithmetic.results.check_arithmetic_pair`
(exactly one intermediate result changed, final answer untouched, edit recorded right).
Run on whole solutions it splits both texts into number tokens and finds every result
(~20,000 pairs/s), which alone would keep ``validate`` under its 50,000 pairs/s target.
A minimal pair differs inside one short window and is byte-identical around it, so
:func:`window_accepts` runs the same steps on the window only, with the arithmetic
module's own regexes and ``find_results``.  It can only *accept*: every pair it does not
accept (a real violation, or a case it cannot judge locally) goes to the full check, so
the reported verdict is always the full check's.

Why the window is enough:

- number tokens are runs of ``0-9,.``; widening the differing span to whole runs puts
  both ends on token boundaries, so the token split of the window is the whole text's
  split there and everything outside it is identical;
- whether a changed token is an intermediate result is decided by ``find_results`` on
  the window's lines (moved up over ``&= ...`` continuation lines, cut where the
  final-answer tail starts, as ``find_results`` cuts the whole text): a plain ``= 24``
  result never spans a line, and its left-hand side seen from inside the lines is at
  most as long as in the whole text, so "has a digit" can be lost (then the full check
  runs), never invented;
- what the whole text excludes and the lines might not: a changed token inside the
  final-answer tail, a GSM8K ``<<...>>`` annotation opened before the lines, an
  ``=`` after a ``<<`` in lines where no annotation parses, and a ``\\boxed{...}``
  spanning the lines' start: each of these falls back to the full check.  The final
  answers of the whole texts are compared separately.

``tests/validate/test_validate_run.py`` checks that the two paths agree on real GSM8K pairs and on
thousands of corrupted ones (on the full GSM8K train split: 297,100 cases, 0
disagreements); if the
arithmetic module's definition of a result changes, that test is where it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pairgen.strategies.arithmetic.calculator import check_annotation_claim
from pairgen.strategies.arithmetic.results import (
    ANNOTATION_RE,
    TOKEN_SPLIT_RE,
    Result,
    boxed_spans,
    check_arithmetic_pair,
    final_answer,
    final_start,
    final_value,
    find_results,
)
from pairgen.strategies.numbers import is_number, same_format, same_value

_BOXED = "\\boxed{"
_NUMBER_CHARS = frozenset("0123456789,.")
_MAX_CONTINUATION_LINES = 8
# Values repeat a lot (small integers); parsing them is most of the per-row cost.
_same_value = lru_cache(maxsize=65536)(same_value)
_same_format = lru_cache(maxsize=65536)(same_format)


def _token_window(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole runs of number characters (token boundaries)."""
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    while end < len(text) and text[end] in _NUMBER_CHARS:
        end += 1
    return start, end


def _changed_tokens(
    chosen: str, rejected: str, start: int, end: int
) -> tuple[list[int], list[str], list[str]] | None:
    """Offsets and values of the number tokens that differ inside the window, or None if
    the text between numbers differs (the window ``[start, end)`` of ``chosen``)."""
    shift = len(rejected) - len(chosen)
    a = _split(chosen[start:end])
    b = _split(rejected[start : end + shift])
    if len(a) != len(b):
        return None
    offsets, old, new = [], [], []
    pos = start
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            if i % 2 == 0:
                return None
            offsets.append(pos)
            old.append(x)
            new.append(y)
        pos += len(x)
    return offsets, old, new


def _split(text: str) -> list[str]:
    return TOKEN_SPLIT_RE.split(text)


def _window_start(text: str, token_start: int) -> int:
    """Start of the line holding ``token_start``, moved up over continuation lines
    (``&= 16`` in a LaTeX ``align``: the left-hand side is on the line above)."""
    line_start = text.rfind("\n", 0, token_start) + 1
    for _ in range(_MAX_CONTINUATION_LINES):
        eq = text.find("=", line_start, token_start)
        if line_start == 0 or eq < 0 or text[line_start:eq].strip(" \t&\\$"):
            break
        line_start = text.rfind("\n", 0, line_start - 1) + 1
    return line_start


def _line_results(chosen: str, line_start: int, line_end: int) -> list[Result] | None:
    """``find_results`` of the whole text, for results inside ``[line_start, line_end)``
    (``line_end`` at most where the final-answer tail starts).

    ``None`` when something outside the lines could change the answer (module doc).
    """
    opened = chosen.rfind("<<", 0, line_start)
    if opened >= 0 and chosen.rfind(">>", 0, line_start) < opened:
        return None
    if _BOXED in chosen and any(s < line_start < e for s, e in boxed_spans(chosen)):
        return None
    lines = chosen[line_start:line_end]
    if "<<" in lines and ANNOTATION_RE.search(lines) is None:
        return None
    return [
        (
            s + line_start,
            e + line_start,
            a + line_start if a >= 0 else -1,
            b + line_start if b >= 0 else -1,
        )
        for s, e, a, b in find_results(lines)
    ]


def window_accepts(
    chosen: str,
    rejected: str,
    prefix: int,
    suffix: int,
    edit_start: int,
    chosen_value: str,
    rejected_value: str,
) -> bool:
    """True only when the full check would certainly find nothing wrong.

    ``prefix``/``suffix`` are the common prefix and suffix lengths of the two texts (the
    recomputed statistics, not the stored ones).  Mirrors the steps of
    :func:`~pairgen.strategies.arithmetic.results.check_arithmetic_pair` on the window.
    """
    if edit_start != prefix or chosen == rejected:
        return False
    suffix = min(suffix, len(chosen) - prefix, len(rejected) - prefix)
    start, end = _token_window(chosen, prefix, len(chosen) - suffix)
    changed = _changed_tokens(chosen, rejected, start, end)
    if changed is None or not 1 <= len(changed[0]) <= 2:
        return False
    offsets, old, new = changed
    cut = final_start(chosen)
    if end > cut:
        return False
    line_end = chosen.find("\n", end)
    line_end = cut if line_end < 0 else min(line_end, cut)
    results = _line_results(chosen, _window_start(chosen, start), line_end)
    if results is None:
        return False
    if len(offsets) == 1:
        if not any(r[0] == offsets[0] and r[2] < 0 for r in results):
            return False
    elif not any(r[2] == offsets[0] and r[0] == offsets[1] for r in results) or not _same_value(
        new[0], new[1]
    ):
        return False
    return (
        old[-1] == chosen_value
        and new[-1] == rejected_value
        and not _same_value(chosen_value, rejected_value)
        and _same_format(chosen_value, rejected_value)
        and final_answer(chosen) == final_answer(rejected)
        and not _edits_final_value(chosen, chosen_value)
        and check_annotation_claim(chosen, rejected, offsets[0]) is None
    )


def _edits_final_value(chosen: str, chosen_value: str) -> bool:
    """Rule 5 of the results module, which the window cannot see: the edited value is the
    whole text's final answer (then the full check decides, and rejects it)."""
    final = final_value(chosen)
    return final is not None and is_number(chosen_value) and _same_value(chosen_value, final)


def check_arithmetic_rows(
    chosen: Sequence[str],
    rejected: Sequence[str],
    prefix: Sequence[int],
    suffix: Sequence[int],
    edit_start: Sequence[int],
    chosen_value: Sequence[str],
    rejected_value: Sequence[str],
) -> list[str | None]:
    """The full check's verdict for every row (``None`` = valid), fast path first."""
    verdicts: list[str | None] = []
    for row in zip(
        chosen, rejected, prefix, suffix, edit_start, chosen_value, rejected_value, strict=True
    ):
        c, r, p, s, e, cv, rv = row
        if window_accepts(c, r, p, s, e, cv, rv):
            verdicts.append(None)
        else:
            verdicts.append(check_arithmetic_pair(c, r, e, cv, rv))
    return verdicts


__all__ = ["check_arithmetic_rows", "window_accepts"]
