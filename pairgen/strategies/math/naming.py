r"""Where a number in a competition-maths solution names something instead of stating a result.

A value can stand where the site rule (:mod:`pairgen.strategies.math.rule`) looks for
results and still not be one: it picks out *which* thing the sentence is about (``zero
or one power of $5$``, ``a multiple of $7$``), or it is one of the options a variable is
said to range over (``$b = 0,$ $2,$ $4,$ $6,$ or $8$``).  Editing it changes what the
sentence talks about, not a computation (issue 20's hand reading of 100 strict pairs).
:class:`~pairgen.strategies.math.precision.Refusals` asks these checks:

``named_number``
    The number a phrase names: ``power(s) of N``, ``multiple(s) of N``, ``factor(s) of
    N``, ``divisor(s) of N``, ``exponent of N``, ``divisible by N`` (``zero or one power
    of $5$``, ``534 is a multiple of 6``), and the second of two numbers the phrase names
    (``divisible by 9 and 2``).  What two numbers *share* is a result, not a name: ``24
    and 36 have a common factor of 12``, ``the least common multiple ... is 84``, ``10
    and 8 share a factor of 2``; and ``by a factor of 4`` (a ratio) is none either.
    Also a prime or factor named by ``one more``, ``another``, ``an extra`` with nothing
    counted after it (``at least one more $5$, and one more $7$``, ``another $3$``, ``an
    extra factor of 2``): ``another 3 balls`` counts balls and stays a value.
    Read by hand on all 12,500 MATH rows, three in four of the phrase's numbers without
    these exceptions were computed common factors and multiples.
``option_value``
    An element of the options a variable ranges over, written out as the start of a
    range: three or more values after ``<symbol> =`` that step evenly from 0 (``$b = 0,$
    $2,$ $4,$ $6,$ or $8.$``, ``$a = 0$, $3$, or $6$``: the even or the multiple-of-3
    exponents).  Values found by a test (``$x = 2$, $5$, or $8$`` make a digit sum
    divisible by 3; ``$n = 1, 9, 10,$ or $18$``) are results.  Likewise an enumeration
    counting down by one to 0 (``We can put 5, 4, 3, 2, 1, or 0 balls in Box 1``); one
    counting up from 0 or 1 is a ``label`` already.
"""

from __future__ import annotations

import re

from pairgen.strategies.math.lists import list_values, run_spans

# the phrase before a named number (``$`` and LaTeX spacing may sit between)
_NAMING_RE = re.compile(
    r"\b(?:powers?|multiples?|factors?|divisors?|exponents?)\s+of|\bdivisible\s+by",
    re.IGNORECASE,
)
# what makes the phrase's number a result (a common factor) or a ratio (by a factor of)
_SHARED_BEFORE_RE = re.compile(
    r"\b(?:common|shares?(?:\s+an?)?|by\s+an?|additional)(?:\s+prime)?\s*\Z", re.IGNORECASE
)
_TO_VALUE_RE = re.compile(r"(?:\s|\$|\\[,;! ]|~)*\Z")
# ``one more 5``, ``another $3$``, ``an extra factor of 2``: then nothing counted after it
_ONE_MORE_RE = re.compile(
    r"(?:\bone\s+more|\banother|\ban?\s+extra)(?:\s+(?:factors?|powers?|copy|copies)\s+of)?"
    r"(?:\s|\$|\\[,;! ]|~)*\Z",
    re.IGNORECASE,
)
_NOTHING_COUNTED_RE = re.compile(r"(?:\s|\$|\\[,;! ]|~)*(?:[,.;:)]|\b(?:and|or|to|in|into)\b|\Z)")
_AND_JOIN_RE = re.compile(r"(?:\s|\$|\\[,;! ]|~)*and(?:\s|\$|\\[,;! ]|~)*")


def _named_at(text: str, start: int) -> bool:
    lo = max(0, start - 40)
    for m in _NAMING_RE.finditer(text, lo, start):
        if _TO_VALUE_RE.match(text, m.end(), start) and not _SHARED_BEFORE_RE.search(
            text, lo, m.start()
        ):
            return True
    return False


def named_number(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is named by a phrase (module doc), itself or as the
    second of two numbers joined by ``and`` (``divisible by 9 and 2``)."""
    if _named_at(text, start):
        return True
    if _ONE_MORE_RE.search(text, max(0, start - 40), start) and _NOTHING_COUNTED_RE.match(
        text, end
    ):
        return True
    run = run_spans(text, start, end)
    return (
        len(run) == 2
        and run[1][0] == start
        and _AND_JOIN_RE.fullmatch(text, run[0][1], start) is not None
        and _named_at(text, run[0][0])
    )


# ``b =`` before the first element: a symbol (a subscript allowed)
_SYMBOL_EQUALS_RE = re.compile(r"(?<![A-Za-z\\])[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*=\s*\Z")


def option_value(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is one of a variable's options (module doc)."""
    values = list_values(text, start, end)
    if len(values) >= 3 and values == [
        values[-1] + len(values) - 1 - i for i in range(len(values))
    ]:
        return values[-1] == 0  # counting down to 0: ``5, 4, 3, 2, 1, or 0 balls``
    if len(values) < 3 or values[0] != 0 or values[1] <= 0:
        return False
    step = values[1]
    if values != [step * i for i in range(len(values))]:
        return False
    first = run_spans(text, start, end)[0][0]
    return _SYMBOL_EQUALS_RE.search(text, max(0, first - 20), first) is not None


__all__ = ["named_number", "option_value"]
