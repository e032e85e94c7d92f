r"""Numbers that lay a maths display out: arguments of LaTeX layout commands.

A long division or a table in a MATH solution is drawn with ``array``/``tabular``: the
``3-6`` of ``\cline{3-6}`` names columns, the ``2`` of ``\multicolumn{2}{r}{}`` counts
them, the ``40`` of a column spec ``{c *{40}{@{}c}}`` repeats one, ``\hspace{2mm}``,
``\vspace{1ex}``, ``\rule{0pt}{3ex}`` and the ``2pt`` of a row break ``\\[2pt]`` are
lengths.  None of them is a quantity of the problem, so no tier ever edits one (an
independent reader of 100 carried pairs found two ``\cline`` indices edited).  The
*content* of a cell, ``\multicolumn{2}{r}{33}``'s ``33``, is maths and stays a value.
"""

from __future__ import annotations

import re

_ARG = r"\{[^{}]*\}"
_LENGTH = r"-?[0-9]*\.?[0-9]+\s*(?:pt|mm|cm|em|ex|in|mu|bp|sp|pc)"
_LAYOUT_RE = re.compile(
    # a column range or count: \cline{2-3}, \cmidrule(lr){2-3}, \multicolumn{3}{c}{..}'s
    # count and column spec (its third argument is a cell: maths)
    r"\\(?:cline|cmidrule(?:\([a-z]*\))?)\s*"
    + _ARG
    + r"|\\multicolumn\s*"
    + _ARG
    + r"\s*"
    + _ARG
    # lengths: \hspace{2mm}, \vspace*{1ex}, \rule[1pt]{0pt}{3ex}, \phantom{00}, \kern2pt
    + r"|\\(?:[hv]space|[hv]?phantom|raisebox)\*?\s*"
    + _ARG
    + r"|\\rule\s*(?:\[[^\]]*\])?\s*"
    + _ARG
    + r"\s*"
    + _ARG
    + r"|\\(?:kern|mkern|hskip|vskip|mskip)\s*"
    + _LENGTH
    + r"|\\(?:setlength|addtolength)\s*"
    + _ARG
    + r"\s*"
    + _ARG
    + r"|\\renewcommand\s*\{?\\arraystretch\}?\s*"
    + _ARG
    + r"|\\arraycolsep\s*=?\s*"
    + _LENGTH
    # a row break's extra space: \\[2pt]
    + r"|\\\\\s*\[\s*"
    + _LENGTH
    + r"\s*\]"
)
# the opening of an array or tabular; its column spec (balanced braces) follows
_TABLE_RE = re.compile(r"\\begin\s*\{(?:array|tabular\*?|tabularx)\}\s*(?:\[[a-z]\]\s*)?(?=\{)")


def _balanced(text: str, at: int) -> int:
    """The end of the brace group opening at ``text[at] == '{'`` (the text's end if open)."""
    depth = 0
    for i in range(at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def layout_spans(text: str) -> list[tuple[int, int]]:
    r"""(start, end) of every layout argument of ``text`` (module docstring): a number
    inside one is never a value to edit."""
    if "\\" not in text:
        return []
    spans = [m.span() for m in _LAYOUT_RE.finditer(text)]
    for m in _TABLE_RE.finditer(text):
        spans.append((m.start(), _balanced(text, m.end())))
    return spans


__all__ = ["layout_spans"]
