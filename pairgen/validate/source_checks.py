"""One pair against its source row: is chosen the row's truth, and rejected a legal foil?

Choice pairs: the gold choice is decided here from the raw answer value, read as the
manifest records (``answer_kind``/``answer_base``, :mod:`pairgen.validate.source_schemas`):
a label names that label's choice (a label always before an index); a whole number, the
choice at that index counted from ``answer_base``; text, the one choice with that text,
spaces aside.  Readings that name different choices name none.  Chosen must be the gold
choice and rejected another choice of the same row, in the completion forms the build
documents: ``(B) text`` (``letter``), ``The answer is (B) text.`` (``sentence``), or the
bare ending after an optional space (HellaSwag continues its context).

Choice texts are taken as the source writes them, with only the transformations
docs/bringing-a-dataset-choices.md documents, written again here (nothing of the build's
reading is imported): a list stored as text is read when it is a JSON list of strings, a
Python list of string literals (``ast.literal_eval``) or NumPy's repr (literals separated
by spaces only, each read on its own); a label written ``(A)``, ``A)`` or ``A.`` is ``A``;
when every choice text starts with a label (``A)21``, ``(A) 21``, ``A. 21``) and they run
``A, B, C, ...`` (or ``a, b, ...``), those are the labels and the rest is the text; a
labelled choice keeps its inner whitespace, only its common indentation and surrounding
blank space going (``textwrap.dedent`` then ``strip``).  Choices whose texts are only
labels (each its own label, or ``a, b, ...`` in order, any case: MathQA's ``[A, B, C,
D]``) make no pair: the pair would compare labels whose meaning is in the question.
HellaSwag's endings are verbatim, WikiHow tags turned into sentence boundaries unless
the build was made with ``--no-clean-markup`` (shared:
:func:`~pairgen.sources.markup.clean_wikihow_markup`).

Maths pairs: chosen is the row's solution verbatim, with the documented transformations
only: GSM8K calculator annotations removed under ``--strip-annotations``, and for the
generic ``math`` source with a mapped answer column, ``The answer is: X`` appended when
the solution states no final answer.  Rejected is that solution with exactly one number
changed (an annotated GSM8K result counts once: its annotation result and the visible
number after it change together, to the same new value).

Each check returns ``None`` or one reason saying what differs.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from pairgen.sources.final_answer import final_answer_start
from pairgen.sources.generic.maths import ANSWER_LINE
from pairgen.sources.markup import clean_wikihow_markup
from pairgen.strategies.arithmetic.results import strip_annotations
from pairgen.strategies.math.stated import answer_text_at
from pairgen.validate.source_schemas import RawSchema

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SENTENCE = "The answer is "
_SENTENCE_ENDS = (".", "!", "?")
_NUMBER_RE = re.compile(r"([0-9]+(?:[.,][0-9]+)*|\.[0-9]+)")
_NUMBER_CHARS = frozenset("0123456789.,")  # what a number token is made of
# between an annotation's result and the visible number after it: ``=-7>>-7``
_ANNOTATION_END_RE = re.compile(r"[ \t]*>>-?")
_SHOWN = 60  # characters of a text quoted in a reason
# a label as data writes it: (A) / A) / A. -- a letter or a one- or two-digit number
_DECORATED_LABEL_RE = re.compile(r"\(([A-Za-z]|[0-9]{1,2})\)|([A-Za-z]|[0-9]{1,2})[.)]")
# a letter label at the start of a choice text: (A) or A) then blanks, or A. then a blank
_LABEL_IN_TEXT_RE = re.compile(
    r"[ \t]*(?:\(([A-Za-z])\)|([A-Za-z])\))[ \t]*|[ \t]*([A-Za-z])\.[ \t]+"
)
# one Python string literal without prefix, as a list's or a NumPy array's repr writes it
_LITERAL = r"""(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_PYTHON_LIST_RE = re.compile(rf"\[\s*(?:{_LITERAL}(?:\s*,\s*{_LITERAL})*\s*,?)?\s*\]", re.DOTALL)
_NUMPY_LIST_RE = re.compile(rf"\[\s*{_LITERAL}(?:\s+{_LITERAL})*\s*\]", re.DOTALL)


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
    labels: Any = None
    if len(schema.choices) > 1:
        texts: Any = [row[name] for name in schema.choices]
    else:
        texts = row[schema.choices[0]]
        if isinstance(texts, str) and not schema.continuation:
            texts = _text_list(texts)
        elif isinstance(texts, Mapping):
            texts, labels = texts.get("text"), texts.get("label")
    if not _texts(texts) or (labels is not None and not _texts(labels)):
        return f"the source row's choices {_short(texts)} are not a list of texts"
    if labels is not None and len(labels) != len(texts):
        return f"the source row's choices have {len(texts)} texts but {len(labels)} labels"
    if schema.continuation:
        labels = [str(index) for index in range(len(texts))]
        if clean_markup:
            context = row.get(schema.context or "")
            after = clean_wikihow_markup(context) if isinstance(context, str) else ""
            texts = [clean_wikihow_markup(text, after=after) for text in texts]
    else:
        labels = None if labels is None else [_bare_label(label) for label in labels]
        carried = _labels_in_texts(texts)
        if carried is not None and labels in (None, carried[0]):
            labels, texts = carried
        texts = [textwrap.dedent(text).strip() for text in texts]
        labels = labels if labels is not None else list(LETTERS[: len(texts)])
    gold, reading = _gold(row[schema.answer], texts, labels, schema)
    return SourceChoices(texts, labels, gold, reading)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _text_list(text: str) -> list[str] | str:
    """A list stored as text (module doc), or the text itself when it is no such list."""
    stripped = text.strip()
    try:
        value = json.loads(stripped)
    except ValueError:
        value = None
    if _texts(value):
        return list(value)
    try:
        if _PYTHON_LIST_RE.fullmatch(stripped):
            value = ast.literal_eval(stripped)
        elif _NUMPY_LIST_RE.fullmatch(stripped):
            value = [ast.literal_eval(item) for item in re.findall(_LITERAL, stripped)]
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return list(value) if _texts(value) else text


def _bare_label(label: str) -> str:
    """``(A)``, ``A)``, ``A.`` -> ``A``; any other label without its surrounding spaces."""
    text = label.strip()
    match = _DECORATED_LABEL_RE.fullmatch(text)
    return text if match is None else match.group(1) or match.group(2)


def _labels_in_texts(texts: list[str]) -> tuple[list[str], list[str]] | None:
    """The labels every text starts with and the texts after them, when the labels run
    ``A, B, ...`` or ``a, b, ...`` and no text is only a label; else ``None``."""
    labels, bodies = [], []
    for text in texts:
        match = _LABEL_IN_TEXT_RE.match(text)
        if match is None or not text[match.end() :].strip():
            return None
        labels.append(match.group(1) or match.group(2) or match.group(3))
        bodies.append(text[match.end() :])
    runs = (LETTERS[: len(labels)], LETTERS.lower()[: len(labels)])
    return (labels, bodies) if "".join(labels) in runs else None


def _gold(
    answer: Any, texts: list[str], labels: list[str], schema: RawSchema
) -> tuple[int | None, str]:
    """The index of the choice a raw answer names under the recorded reading, and how it
    was read (module doc)."""
    shown = f"answer {_short(answer)}"
    if answer is None or isinstance(answer, bool):
        return None, f"{shown} (no answer)"
    kind, base = schema.answer_kind, schema.answer_base
    if kind is not None:
        kinds: tuple[str, ...] = (kind,)
    elif base is None:  # nothing recorded: a column of mixed kinds, never a guessed base
        kinds = ("label", "text")
    else:  # a base alone: every kind, indices from that base
        kinds = ("label", "index", "text")
    found: list[tuple[int | None, str]] = []  # (the choice named or None, the reading)
    key = str(answer).strip() if isinstance(answer, int | str) else None
    label = None if key is None else key if isinstance(answer, int) else _bare_label(key)
    if label in labels:  # a label always comes before an index
        if "label" in kinds:
            found.append((labels.index(label), "a label"))
    elif "index" in kinds and key is not None and re.fullmatch(r"[0-9]{1,9}", key):
        for start in (0, 1) if base is None else (base,):
            index = int(key) - start
            reading = f"index {index}, counted from answer_base {start}"
            found.append((index if 0 <= index < len(texts) else None, reading))
    if "text" in kinds and isinstance(answer, str):
        spaced = " ".join(answer.split())
        same = [i for i, text in enumerate(texts) if " ".join(text.split()) == spaced]
        if len(same) == 1:
            found.append((same[0], "a choice's text"))
    named = {index for index, _ in found if index is not None}
    if len(named) > 1:
        shown_choices = " and ".join(f"({labels[i]})" for i in sorted(named))
        return None, f"{shown} (read as {_readings(found)}: choices {shown_choices})"
    if not found:
        return None, f"{shown} (no {' or '.join(_KIND_WORDS[k] for k in kinds)})"
    gold = named.pop() if named else None
    return gold, f"{shown} ({_readings([f for f in found if f[0] == gold])})"


_KIND_WORDS = {"label": "label", "index": "index", "text": "choice text"}


def _readings(found: Sequence[tuple[int | None, str]]) -> str:
    return " and ".join(reading for _, reading in found)


def check_choice_pair(
    chosen: str, rejected: str, choices: SourceChoices, template: str, continuation: bool
) -> str | None:
    """Chosen is the gold choice of the row, rejected another of its choices, and the
    choices more than labels (``["A", "B", "C", "D"]``, the texts inside the question)."""
    if not continuation and _labels_only(choices):
        return (
            f"the source row's choices {_short(choices.texts)} are only labels, not the "
            "options' texts: the pair compares labels"
        )
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


def _labels_only(choices: SourceChoices) -> bool:
    """Each text its own label, or the texts the letters a, b, ... in order (any case)."""
    bare = [_bare_label(text).casefold() for text in choices.texts]
    own = [label.casefold() for label in choices.labels]
    return bare in (own, list(LETTERS.lower()[: len(bare)]))


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
    answer = stated_answer(row, schema)
    if answer is not None and final_answer_start(solution) is None:
        solution = solution.rstrip() + ANSWER_LINE.format(answer=answer)
    return strip_annotations(solution) if strip else solution


def stated_answer(row: Mapping[str, Any], schema: RawSchema) -> str | None:
    """The row's answer column as the build reads it (``str`` of the raw value, so a
    JSON list ``[4, 2]`` is ``"[4, 2]"``); ``None`` when none is mapped or it is empty."""
    if schema.final_answer is None:
        return None
    answer = row.get(schema.final_answer)
    if answer is None or not str(answer).strip():
        return None
    return str(answer).strip()


# an answer that names an option: a letter A to J in either case, bare, ``(c)`` or ``c)``
_ANSWER_LETTER_RE = re.compile(r"\(?([A-Ja-j])\)?")
# an option's own label before its text: ``D)50``, ``(d) 50``, MathQA's ``d ) 50``
_OPTION_LABEL_RE = re.compile(r"\s*(?:\(\s*([A-Za-z])\s*\)|([A-Za-z])\s*\))\s*")


def option_answer(row: Mapping[str, Any], schema: RawSchema, answer: str) -> str | None:
    """What a maths row's answer says when its options are mapped: an option letter (either
    case) is the text of that option -- the option labelled with it (``d ) 50``, ``D)50``),
    else, where no option is labelled, the one at its position -- and ``None`` when the
    options give none (then the build should have refused the row); any other answer is
    itself."""
    letter = _ANSWER_LETTER_RE.fullmatch(answer)
    if letter is None:
        return answer
    raw = row.get(schema.choices[0]) if len(schema.choices) == 1 else None
    read = _text_list(raw) if isinstance(raw, str) else raw
    if not isinstance(read, list) or not _texts(read):
        return None
    options = [str(option) for option in read]
    wanted = letter.group(1).casefold()
    labels = [_OPTION_LABEL_RE.match(option) for option in options]
    for option, label in zip(options, labels, strict=True):
        if label is not None and (label.group(1) or label.group(2)).casefold() == wanted:
            return option[label.end() :].strip() or None
    if any(labels):  # labelled options, none the letter's: no position to fall back on
        return None
    index = ord(wanted) - ord("a")
    return options[index].strip() or None if index < len(options) else None


def unread_option(row: Mapping[str, Any], schema: RawSchema) -> str:
    """Why a pair of a maths row whose answer letter names no readable option fails."""
    column = schema.choices[0]
    return (
        f"the row's answer {_short(row.get(schema.final_answer or ''))} is an option letter "
        f"and column {column!r} holds {_short(row.get(column))}, no such option: the "
        "answer's value is unknown, so the build must refuse the row, not pair it"
    )


def check_maths_pair(
    chosen: str, rejected: str, solution: str, column: str, answer: str | None = None
) -> str | None:
    """Chosen is the source solution; rejected is it with exactly one number changed,
    and that number is no value of the row's stated ``answer`` (each element of a list
    answer: :mod:`pairgen.strategies.math.stated`)."""
    if chosen != solution:
        at = _first_difference(chosen, solution)
        return (
            f"chosen is not the source row's {column!r}: from character {at} chosen has "
            f"{_short(chosen[at:])}, the source {_short(solution[at:])}"
        )
    changed = one_number_changed(solution, rejected)
    if changed is not None or answer is None:
        return changed
    at = _first_difference(solution, rejected)
    edited = answer_text_at(solution, at, at + 1, answer)
    if edited is not None:
        return (
            f"rejected edits {edited[:_SHOWN]} at character {at}, a value or writing of the "
            f"row's stated answer {_short(answer)}: the final answer is never edited"
        )
    return None


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
    "option_answer",
    "read_choices",
    "source_solution",
    "stated_answer",
    "unread_option",
]
