r"""Where a worked solution states its final answer, in the ways real solutions write it.

The one place that answers "where does the final answer start, and what does it say?"
for every maths source and strategy: ``--source math`` appends ``The answer is: X`` only
when :func:`final_answer_start` finds nothing, and the ``math`` strategy never edits at or
after it (nor a value equal to the answer, :mod:`pairgen.strategies.math.values`).

The rule: the final answer starts at the **first** of these, in text order.

1. ``\boxed``, ``\fbox``, ``\framebox``, ``####`` or ``The answer is`` anywhere (MATH,
   GSM8K, MetaMathQA; AIME solutions box theirs with ``$\framebox{204}$``).
2. An *answer line*: a marker word -- ``answer``, ``ans``, ``the answer is``, ``answer
   will be``, ``correct answer``, ``final answer``, ``correct option``, ``correct
   choice``... in any case -- then an optional separator (``:``, ``-``, ``=``, ``.``),
   then the answer: an option letter ``A``-``J`` (``D``, ``(B)``, ``C)``, ``Option C``)
   or a value (a digit, sign, ``$``, ``\``, ``(``, ``[``: a tuple or list answer such as
   TheoremQA's ``the answer is [0.0259, 0.00505]``), with at most
   :data:`MAX_ANSWER_CHARS` characters to the end of the line (so "the answer is
   positive, since ..." in prose is no marker).  ``Answer: D``, ``ANSWER:A``, ``Correct
   answer - A``, ``the answer is (B)``, ``Answer: (C) 42``, ``Answer is 36.``, ``the
   answer is [4, 2]``.
3. On the last non-empty line only, an option letter stated alone or with a verdict:
   ``E``, ``(C).``, ``Option B``, ``Choice B.``, ``Thus A``, ``D is the answer``,
   ``A is the correct option``, ``Hence (A) is correct answer.``, and ``X is the
   (correct) answer/option/choice`` anywhere in that line.  Elsewhere these
   read as discussion ("option A gives 12, option B ..."), so they count only last.

An option letter is upper case (``a`` is an article); marker words are any case.
:func:`final_answer_text` is what the marker says: the first ``\boxed{..}`` (``\fbox``,
``\framebox``) content, ``\boxed {5}`` and ``\boxed 5`` too, else the rest of the marker's
line (a leading ``:`` dropped).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

MAX_ANSWER_CHARS = 80
_BOX_RE = re.compile(r"\\(?:boxed|fbox|framebox)")
_STRONG_RE = re.compile(_BOX_RE.pattern + r"|The answer is|####")
_LETTER = r"\(?[A-J]\)?(?![A-Za-z0-9])"
_MARKER_WORDS = (
    r"(?i:\b(?:the\s+)?(?:(?:correct|final|right)\s+)?(?:answer|ans)\b"
    r"(?:\s+(?:is|will\s+be|should\s+be|would\s+be)\b)?"
    r"|\b(?:the\s+)?(?:correct|right)\s+(?:option|choice)\b(?:\s+is\b)?)"
)
_SEPARATOR = r"[ \t]*(?:[:=,\-\u2013\u2014]+|\.(?=[ \t]*[A-J]))?[ \t]*"
_ANSWER_START = r"(?:(?i:option|choice)[ \t]*[:\-]?[ \t]*(?:" + _LETTER + r")|" + _LETTER
_ANSWER_START += r"|[-+$\\(\[0-9]|\.[0-9])"  # "[": a list answer, "[0.0259, 0.00505]"
_ANSWER_LINE_RE = re.compile(
    _MARKER_WORDS
    + r"(?![ \t]+(?i:choices?|options?)\b)"  # "each answer choice: (A) is ..." discusses
    + _SEPARATOR
    + r"(?P<answer>"
    + _ANSWER_START
    + r"[^\n]{0,"
    f"{MAX_ANSWER_CHARS}" + r"}?)[ \t]*(?:\n|\Z)"
)
# every answer line holds one of these; the full pattern runs only near them (speed)
_HINT_RE = re.compile(r"(?i:answer|ans\b|option|choice)")
_LAST_LINE_RE = re.compile(
    r"\W*(?i:(?:thus|hence|so|therefore|this\s+gives\s+us)[,:]?\s+)?"
    r"(?i:(?:the\s+)?(?:correct\s+)?(?:option|choice)[ \t]*[:\-]?[ \t]*)?"
    r"(?P<answer>" + _LETTER + r")[ \t]*"
    r"(?i:is\s+(?:the\s+)?(?:correct|right)?\s*(?:answer|option|choice)?)?[ \t]*[.!]?[ \t]*\Z"
    # or a verdict anywhere in the last line: "Thus, C is the correct answer"
    r"|.*?(?<![A-Za-z])(?P<verdict>" + _LETTER + r")[ \t]+(?i:is\s+the\s+(?:correct\s+|right\s+)?"
    r"(?:answer|option|choice)\b)"
)


class FinalAnswer(NamedTuple):
    """Where the marker starts, and the offset where what it says (its answer) starts."""

    start: int
    answer_start: int
    kind: str  # "boxed", "marker" (``####``/``The answer is``), "line", "last_line"


def _answer_line(solution: str) -> re.Match[str] | None:
    """The first answer line (rule 2), searched only around the marker words."""
    for hint in _HINT_RE.finditer(solution):
        line_end = solution.find("\n", hint.end())
        end = len(solution) if line_end < 0 else line_end
        line = _ANSWER_LINE_RE.search(solution, max(0, hint.start() - 24), end)
        if line is not None:
            return line
    return None


@lru_cache(maxsize=4096)
def find_final_answer(solution: str) -> FinalAnswer | None:
    """The first final-answer marker of ``solution`` (rule: module doc), or ``None``."""
    found: list[FinalAnswer] = []
    strong = _STRONG_RE.search(solution)
    if strong is not None:
        kind = "boxed" if strong.group().startswith("\\") else "marker"
        found.append(FinalAnswer(strong.start(), strong.end(), kind))
    line = _answer_line(solution)
    if line is not None:
        found.append(FinalAnswer(line.start(), line.start("answer"), "line"))
    if not found:
        stripped = solution.rstrip()
        begin = stripped.rfind("\n") + 1
        last = _LAST_LINE_RE.match(stripped, begin)
        if last is not None:
            group = "answer" if last.group("answer") else "verdict"
            found.append(FinalAnswer(begin, last.start(group), "last_line"))
    return min(found) if found else None


def final_answer_start(solution: str) -> int | None:
    """Offset where the final answer starts (module doc); ``None`` when there is none."""
    found = find_final_answer(solution)
    return None if found is None else found.start


def _braced(text: str, i: int) -> str:
    """The content of the ``{..}`` that opens at ``text[i]`` (braces matched)."""
    depth, j = 1, i + 1
    while j < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        j += 1
    return text[i + 1 : j - 1]


def final_answer_text(solution: str) -> str | None:
    """What the final answer says: the first ``\\boxed{..}``/``\\fbox{..}``/``\\framebox{..}``
    content (braces matched; ``\\boxed {5}`` and ``\\boxed 5`` too), else the rest of the
    marker's line (a leading ``:`` dropped; a box in it wins); ``None`` without one."""
    found = find_final_answer(solution)
    if found is None:
        return None
    i = found.answer_start
    if found.kind == "boxed":
        while solution[i : i + 1] == " ":
            i += 1
        if solution[i : i + 1] == "{":
            return _braced(solution, i)
        return solution[i:].split(" ", 1)[0].split("$", 1)[0].strip()
    rest = solution[i:].split("\n", 1)[0]
    box = _BOX_RE.search(rest)
    if box is not None:  # "The answer is $k = \\boxed{22}$": the boxed content
        return final_answer_text(rest[box.start() :])
    return rest.lstrip(":").strip()


__all__ = [
    "MAX_ANSWER_CHARS",
    "FinalAnswer",
    "final_answer_start",
    "final_answer_text",
    "find_final_answer",
]
