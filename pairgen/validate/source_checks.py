"""One pair against its source row: is chosen the row's truth, and rejected a legal foil?

Choice pairs: the gold choice is decided here from the raw answer value (a label: that
label's choice; a whole number: the choice at that index counted from the recorded
``answer_base``; text: the choice with that text), chosen must be that choice and
rejected another choice of the same row, in the completion forms the build documents:
``(B) text`` (``letter``), ``The answer is (B) text.`` (``sentence``), or the bare ending
after an optional space (HellaSwag continues its context).  Choice texts are taken as the
source writes them, with the one normalisation each source documents: labelled choices
(ARC, generic, MMLU, PIQA) have runs of whitespace made one space, so a choice is one
prompt line; HellaSwag's endings are verbatim, WikiHow tags turned into sentence
boundaries unless the build was made with ``--no-clean-markup``.

Maths pairs: chosen is the row's solution verbatim, with the documented transformations
only: GSM8K calculator annotations removed under ``--strip-annotations``, and for the
generic ``math`` source with a mapped answer column, ``The answer is: X`` appended when
the solution states no final answer.  Rejected is that solution with exactly one number
changed (an annotated GSM8K result counts once: its annotation result and the visible
number after it change together, to the same new value).

Each check returns ``None`` or one reason saying what differs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from pairgen.sources.final_answer import final_answer_start
from pairgen.sources.generic.maths import ANSWER_LINE
from pairgen.sources.markup import clean_wikihow_markup
from pairgen.strategies.arithmetic.results import strip_annotations
from pairgen.validate.source_schemas import RawSchema

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SENTENCE = "The answer is "
_SENTENCE_ENDS = (".", "!", "?")
_NUMBER_RE = re.compile(r"([0-9]+(?:[.,][0-9]+)*|\.[0-9]+)")
_NUMBER_CHARS = frozenset("0123456789.,")  # what a number token is made of
# between an annotation's result and the visible number after it: ``=-7>>-7``
_ANNOTATION_END_RE = re.compile(r"[ \t]*>>-?")
_SHOWN = 60  # characters of a text quoted in a reason


class SourceChoices(NamedTuple):
    """A row's choices as the source writes them, and the gold one by the raw answer."""

    texts: list[str]
    labels: list[str]
    gold: int | None  # None: the raw answer names no choice
    reading: str  # how the raw answer was read, for the reason


def read_choices(
    row: Mapping[str, Any], schema: RawSchema, clean_markup: bool
) -> SourceChoices | str:
    """The row's choices and gold answer, or why the row has none readable."""
    missing = [name for name in (*schema.choices, schema.answer) if name not in row]
    if missing:
        return f"the source row has no column {missing[0]!r}"
    if len(schema.choices) > 1:
        texts: Any = [row[name] for name in schema.choices]
        labels: Any = list(LETTERS[: len(texts)])
    else:
        value = row[schema.choices[0]]
        if isinstance(value, Mapping):
            texts, labels = value.get("text"), value.get("label")
        else:
            texts = value
            labels = list(LETTERS[: len(value)]) if isinstance(value, list) else None
    if not _texts(texts) or not _texts(labels) or len(texts) != len(labels):
        return f"the source row's choices {_short(texts)} are not a list of texts"
    if schema.continuation:
        labels = [str(index) for index in range(len(texts))]
        if clean_markup:
            context = row.get(schema.context or "")
            after = clean_wikihow_markup(context) if isinstance(context, str) else ""
            texts = [clean_wikihow_markup(text, after=after) for text in texts]
    else:
        texts = [" ".join(text.split()) for text in texts]
        labels = [label.strip() for label in labels]
    gold, reading = _gold(row[schema.answer], texts, labels, schema.answer_base)
    return SourceChoices(texts, labels, gold, reading)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _gold(answer: Any, texts: list[str], labels: list[str], base: int) -> tuple[int | None, str]:
    """The index of the choice a raw answer names, and how it was read."""
    shown = f"answer {_short(answer)}"
    if isinstance(answer, str) and answer.strip() in labels:
        return labels.index(answer.strip()), f"{shown} (a label)"
    number: int | None = None
    if isinstance(answer, int) and not isinstance(answer, bool):
        number = answer
    elif isinstance(answer, str) and re.fullmatch(r"-?[0-9]{1,9}", answer.strip()):
        number = int(answer.strip())
    if number is not None:
        index = number - base
        reading = f"{shown} (index {index}, counted from answer_base {base})"
        return (index if 0 <= index < len(texts) else None), reading
    if isinstance(answer, str) and " ".join(answer.split()) in texts:
        return texts.index(" ".join(answer.split())), f"{shown} (a choice's text)"
    return None, f"{shown} (no label, index or choice text)"


def check_choice_pair(
    chosen: str, rejected: str, choices: SourceChoices, template: str, continuation: bool
) -> str | None:
    """Chosen is the gold choice of the row, rejected another of its choices."""
    if choices.gold is None:
        return f"the source {choices.reading} names no choice: the row makes no pair"
    gold = _describe(choices, choices.gold)
    named = _named_choice(chosen, choices, template, continuation)
    if named != choices.gold:
        what = (
            f"{_short(chosen)}, no choice of the row"
            if named is None
            else _describe(choices, named)
        )
        return f"chosen is {what}, but the source {choices.reading} names {gold}"
    foil = _named_choice(rejected, choices, template, continuation)
    if foil is None:
        return f"rejected {_short(rejected)} is no choice of the source row"
    if foil == choices.gold:
        return f"rejected is the gold {gold} (the source {choices.reading})"
    return None


def _named_choice(
    completion: str, choices: SourceChoices, template: str, continuation: bool
) -> int | None:
    """The index of the row's choice a completion writes out, or ``None``."""
    for index, (text, label) in enumerate(zip(choices.texts, choices.labels, strict=True)):
        if continuation:
            if completion in (text, f" {text}"):
                return index
            continue
        body = completion.removeprefix(_SENTENCE) if template == "sentence" else completion
        if template == "sentence" and body == completion:
            return None
        content = body.removeprefix(f"({label}) ")
        if content == body:
            continue
        if template == "sentence" and not text.endswith(_SENTENCE_ENDS):
            text += "."
        if content == text:
            return index
    return None


def _describe(choices: SourceChoices, index: int) -> str:
    return f"choice ({choices.labels[index]}) {_short(choices.texts[index])}"


def source_solution(row: Mapping[str, Any], schema: RawSchema, strip: bool) -> str:
    """What the chosen completion of a maths row must be (module doc); raises
    ``ValueError`` with the reason when the row holds no solution text."""
    solution = row.get(schema.solution)
    if not isinstance(solution, str) or not solution.strip():
        raise ValueError(f"the source row's {schema.solution!r} is {_short(solution)}, no text")
    # the documented transformation: the answer line is appended when the solution
    # states no final answer in any form the final-answer finder knows
    if schema.final_answer is not None and final_answer_start(solution) is None:
        answer = row.get(schema.final_answer)
        if answer is not None and str(answer).strip():
            solution = solution.rstrip() + ANSWER_LINE.format(answer=str(answer).strip())
    return strip_annotations(solution) if strip else solution


def check_maths_pair(chosen: str, rejected: str, solution: str, column: str) -> str | None:
    """Chosen is the source solution; rejected is it with exactly one number changed."""
    if chosen != solution:
        at = _first_difference(chosen, solution)
        return (
            f"chosen is not the source row's {column!r}: from character {at} chosen has "
            f"{_short(chosen[at:])}, the source {_short(solution[at:])}"
        )
    return one_number_changed(solution, rejected)


def one_number_changed(solution: str, rejected: str) -> str | None:
    """``None`` when ``rejected`` is ``solution`` with one number (or one annotated GSM8K
    result) changed, else what else differs.

    Only the stretch between the texts' common prefix and common suffix, widened to whole
    numbers, is split into numbers and the text between them: outside it the texts are
    equal, and a number cannot straddle its ends."""
    if solution == rejected:
        return "rejected is the source solution unchanged"
    start = _first_difference(solution, rejected)
    tail = _first_difference(solution[start:][::-1], rejected[start:][::-1])
    while start and solution[start - 1] in _NUMBER_CHARS:
        start -= 1
    while tail and solution[len(solution) - tail] in _NUMBER_CHARS:
        tail -= 1
    ours = _NUMBER_RE.split(solution[start : len(solution) - tail])
    theirs = _NUMBER_RE.split(rejected[start : len(rejected) - tail])
    # even positions: the text between numbers; odd positions: the numbers
    if len(ours) != len(theirs) or ours[0::2] != theirs[0::2]:
        at = _first_difference(solution, rejected)
        return (
            f"rejected changes more than a number of the source solution: from character "
            f"{at} it has {_short(rejected[at:])}, the source {_short(solution[at:])}"
        )
    changed = [i for i in range(1, len(ours), 2) if ours[i] != theirs[i]]
    if len(changed) == 1 or _one_annotated_result(ours, theirs, changed):
        return None
    shown = ", ".join(f"{ours[i]} -> {theirs[i]}" for i in changed[:4])
    return f"rejected changes {len(changed)} numbers of the source solution ({shown}), not one"


def _one_annotated_result(ours: list[str], theirs: list[str], changed: Sequence[int]) -> bool:
    """Whether two changed numbers are one GSM8K result: ``<<...=24>>24`` -> ``=25>>25``
    (the annotation's result, then the visible number right after ``>>``, same values)."""
    if len(changed) != 2 or changed[1] != changed[0] + 2:
        return False
    if not _ANNOTATION_END_RE.fullmatch(ours[changed[0] + 1]):
        return False
    first, second = changed
    old, new = _value(ours[first]), _value(theirs[first])
    return (
        old is not None
        and new is not None
        and (old, new)
        == (
            _value(ours[second]),
            _value(theirs[second]),
        )
    )


def _value(token: str) -> Decimal | None:
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def _first_difference(a: str, b: str) -> int:
    """The length of the common prefix of ``a`` and ``b``: a binary search over slice
    comparisons, which run in C (a loop over characters would cost most of the recheck)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _short(value: Any) -> str:
    """A value quoted for a reason, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 4] + "...'"


__all__ = [
    "SourceChoices",
    "check_choice_pair",
    "check_maths_pair",
    "one_number_changed",
    "read_choices",
    "source_solution",
]
