"""Which choice a row's answer names: a label, an index (0- or 1-based) or a choice's text.

A value can often be read more than one way, and the ways disagree: Winogrande's ``"2"``
of two options is a 1-based index (read 0-based it names no option, and ``"1"`` names the
wrong one); ``"B"`` is label B, but also the text of choice C when the choices are the
letters ``B, A, C``; ``"2"`` is index 2 of MMLU's ``2500, 2, 50, 25`` and the text of its
choice B.  So the reading is decided for the whole column, from the data, before
anything is written (:class:`AnswerSurvey`), and recorded in the source settings
(``answer_kind``, ``answer_base``) so ``validate --rebuild``, the card and a rebuild read
the same way.

Readings of one value (:func:`readings`):

- ``label``: the value, without a label's parenthesis or dot, is one of the row's labels
  (the data's own, the ones its texts carry, or the ``A, B, ...`` given to a list);
- ``index0``/``index1``: an integer (or digits as text) that is not a label, counted
  from 0 or from 1;
- ``text``: a text value (never an integer) equal to one choice's text, spaces aside.

The survey keeps the kinds that read every answered row; the data proves a base (an
answer 0 is only 0-based, an answer equal to the row's number of choices only 1-based).
One kind left, or several that name the same choice on every row: decided.  None left
(a column of mixed kinds): each row is read by whatever reading it has, a row whose
readings disagree being an ``ambiguous_answer`` reject.  Kinds that disagree on some row:
one ``error:`` line naming the column, the row and the option that decides
(``--answer-kind``, ``--answer-base``).  A negative index, ``-1`` or an empty value is an
unlabeled row; a boolean (``true`` for ``["yes", "no"]``) is an answer that names no
choice, refused as such.  An answer that is a label or a choice's text but for case is
refused too, with a hint saying which it matches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pairgen.config.source_settings import ANSWER_KINDS
from pairgen.errors import PairgenError, RowRejected
from pairgen.sources.choices import bare_label

# the survey's kinds, in the order a tie between equivalent kinds is recorded
_KINDS = ("label", "index0", "index1", "text")
_MAX_DIGITS = 9  # int() of longer digit runs is slow and no index is that large


def readings(value: object, texts: Sequence[str], labels: Sequence[str]) -> dict[str, int] | None:
    """The choice (index) each reading of ``value`` names; ``None`` for an unlabeled row.
    A boolean is refused, not unlabeled: the row has an answer, one that names no choice
    (``True`` of ``["yes", "no"]`` might be either)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RowRejected(
            "unknown_answer_key",
            f"answer {value!r} is a boolean, not a label, index or choice text; map it to "
            "one in the answer column (e.g. the text of the right choice)",
        )
    if isinstance(value, int):
        if value < 0:
            return None
        found = {"label": labels.index(str(value))} if str(value) in labels else {}
        return found or _index_readings(value, len(texts))
    if not isinstance(value, str):
        raise RowRejected("bad_field_type", f"answer is {type(value).__name__}")
    key = value.strip()
    if not key or key == "-1":
        return None
    found = {}
    label = bare_label(key)
    if label in labels:
        found["label"] = labels.index(label)
    elif key.isascii() and key.isdigit() and len(key) <= _MAX_DIGITS:
        found.update(_index_readings(int(key), len(texts)))
    normal = " ".join(key.split())
    matches = [i for i, text in enumerate(texts) if " ".join(text.split()) == normal]
    if len(matches) == 1:
        found["text"] = matches[0]
    return found


def _case_hint(value: object, texts: Sequence[str], labels: Sequence[str]) -> str:
    """`` (matches choice 'no' ignoring case: ...)`` when ``value`` equals exactly one
    choice's text but for case, `` (matches label 'A' ignoring case: ...)`` when it is one
    label but for case (LogiQA's ``a`` of ``A``..``D``).  pairgen still refuses it ("No"
    may be a different option from "no", ``a`` a different label from ``A``); the hint
    says what to fix."""
    if not isinstance(value, str):
        return ""
    text = _same_but_case(value, texts)
    if text is not None:
        return (
            f" (matches choice {text!r} ignoring case: fix the case in the answer or choices "
            "column, e.g. lower-case both, so that they match exactly)"
        )
    label = _same_but_case(bare_label(value), labels)
    if label is not None:
        return (
            f" (matches label {label!r} ignoring case: write the answer column's labels in "
            "the choices' case, e.g. upper-case it, so that they match exactly)"
        )
    return ""


def _same_but_case(value: str, candidates: Sequence[str]) -> str | None:
    """The one candidate equal to ``value`` ignoring case and runs of spaces, if one is."""
    folded = " ".join(value.split()).casefold()
    same = [item for item in candidates if " ".join(item.split()).casefold() == folded]
    return same[0] if len(same) == 1 else None


def _index_readings(number: int, count: int) -> dict[str, int]:
    found = {}
    if number < count:
        found["index0"] = number
    if 1 <= number <= count:
        found["index1"] = number - 1
    return found


def kind_names(kind: str | None, base: int | None) -> tuple[str, ...]:
    """The survey kinds a setting allows (``None``: all of them)."""
    if kind == "index" or (kind is None and base is not None):
        bases = (0, 1) if base is None else (base,)
        allowed = tuple(f"index{b}" for b in bases)
        return allowed if kind == "index" else ("label", *allowed, "text")
    return _KINDS if kind is None else (kind,)


def pick(
    found: Mapping[str, int],
    allowed: Sequence[str],
    value: object,
    texts: Sequence[str] = (),
    labels: Sequence[str] = (),
) -> int:
    """The one choice the allowed readings of a value name, or the reject why not."""
    chosen = {found[kind] for kind in allowed if kind in found}
    if len(chosen) == 1:
        return chosen.pop()
    if not chosen:
        raise RowRejected(
            "unknown_answer_key",
            f"answer {value!r} is no label, index or choice text{_case_hint(value, texts, labels)}",
        )
    raise RowRejected(
        "ambiguous_answer", f"answer {value!r} names choices {sorted(chosen)} by different readings"
    )


@dataclass
class AnswerSurvey:
    """What a whole answer column says about how to read it (module doc)."""

    column: str
    allowed: tuple[str, ...]
    rows: int = 0
    fits: dict[str, int] = field(default_factory=dict)
    # (kind, kind) -> the first row where both read and disagree
    clashes: dict[tuple[str, str], str] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, found: Mapping[str, int], where: str, value: object) -> None:
        """One answered row's readings (``where``: ``split row N``)."""
        present = [kind for kind in self.allowed if kind in found]
        if not present:
            return  # no reading at all: the row is an unknown_answer_key reject
        self.rows += 1
        for kind in present:
            self.fits[kind] = self.fits.get(kind, 0) + 1
            self.examples.setdefault(kind, f"{value!r} at {where}")
        for i, first in enumerate(present):
            for second in present[i + 1 :]:
                if found[first] != found[second]:
                    self.clashes.setdefault((first, second), f"{value!r} at {where}")

    def decide(self) -> str | None:
        """The survey kind that reads the column, ``None`` for per-row reading, or the
        ``error:`` line when the data does not decide."""
        kinds = [kind for kind in self.allowed if self.rows and self.fits.get(kind) == self.rows]
        for i, first in enumerate(kinds):
            for second in kinds[i + 1 :]:
                if (first, second) in self.clashes:
                    raise self._undecided(first, second, self.clashes[first, second])
        if kinds:
            return kinds[0]
        indices = [kind for kind in ("index0", "index1") if self.fits.get(kind)]
        if len(indices) == 2 and not any(self.fits.get(k) for k in ("label", "text")):
            raise PairgenError(
                f"column {self.column!r} holds answers only a 0-based index reads "
                f"({self.examples['index0']}) and answers only a 1-based index reads "
                f"({self.examples['index1']}); say which with --answer-base 0 or --answer-base 1"
            )
        return None

    def _undecided(self, first: str, second: str, where: str) -> PairgenError:
        if {first, second} == {"index0", "index1"}:
            return PairgenError(
                f"column {self.column!r} holds indices that may count from 0 or from 1: every "
                f"answer is 1..n-1 of its n choices (no 0, no n), e.g. {where}; "
                "say which with --answer-base 0 or --answer-base 1"
            )
        words = {"label": "a choice label", "text": "a choice's text"}
        a, b = (words.get(kind, f"a {kind[-1]}-based index") for kind in (first, second))
        options = (
            " or ".join(
                f"--answer-kind {kind.rstrip('01')}" for kind in (first, second) if kind in words
            )
            or "--answer-base"
        )
        return PairgenError(
            f"column {self.column!r} reads as {a} and as {b}, which name different choices, "
            f"e.g. {where}; say which with {options}"
        )


def decided_settings(kind: str | None) -> tuple[str | None, int | None]:
    """``(answer_kind, answer_base)`` for a survey kind (``index1`` -> ``("index", 1)``)."""
    if kind is None:
        return None, None
    if kind.startswith("index"):
        return "index", int(kind[-1])
    return kind, None


__all__ = [
    "ANSWER_KINDS",
    "AnswerSurvey",
    "decided_settings",
    "kind_names",
    "pick",
    "readings",
]
