r"""Whether a solution column holds worked steps, or a program or an expression instead.

The maths strategies edit an intermediate result a solution *writes out* (``48/2 = 24``,
``$x = 5$``).  Two common dataset shapes have none, and pairing them gives wrong pairs or
none at all, so ``--source math`` rejects such a row as ``not_a_worked_solution``
(:mod:`pairgen.sources.generic.maths`) and says what it saw:

* **a program** (PAL, GSM-Hard, PoT): a fenced code block (a line starting with
  `````), a ``def name(...)`` line, or a Python statement line -- ``print(...)``,
  ``import x`` / ``from x import y``, or a ``return`` with an identifier or a number
  after it, outside Asymptote ``[asy]...[/asy]`` drawings (MATH's figures are code
  too, beside a worked solution).  A program's numbers are literal constants and
  docstring text, never a computed result.  (A plain ``n = 30`` line is no such sign:
  worked solutions write equations that way too.)
* **only an expression or one equation** (SVAMP's ``( 76.0 - 25.0 )``, MAWPS's ``x = 5
  + 3``, ASDiv's ``LCM[6,4,16]=48``): no word of two or more letters outside LaTeX
  commands (``\frac``, ``\cdot``) and function names (a word right before ``(`` or
  ``[``: ``LCM[``, ``GCD(``, ``sqrt(``), and at most one relation (``=``, ``\equiv``,
  ``\approx``, ``<``, ``>``, ``\le``, ``\ge``, ``\Rightarrow``), so no prose sentence
  and no chain of stated steps; a bare final
  answer (``#### 72``, ``\boxed{5}``) is one too.  A chain such as MATH's ``$54 = 9
  \cdot 6 + 0 \Rightarrow 54 \equiv \boxed{0} \pmod{6}$`` is a worked solution.

Every real GSM8K, MATH and AQuA-RAT solution passes (checked on all test rows:
GSM8K 1,319, MATH 5,000, AQuA-RAT 508).
"""

from __future__ import annotations

import re

_PROGRAM_RE = re.compile(
    r"^[ \t]*(?:```|def[ \t]+[A-Za-z_]\w*[ \t]*\(|print[ \t]*\(|import[ \t]+[A-Za-z_]"
    r"|from[ \t]+[A-Za-z_][\w.]*[ \t]+import[ \t]|return[ \t]+[A-Za-z_0-9(\[])",
    re.MULTILINE,
)
_ASY_RE = re.compile(r"\[asy\].*?(?:\[/asy\]|\Z)", re.DOTALL)
# ``=`` (not ``==``/``<=``/``!=``, but a factorial's ``5!=``), ``<``, ``>``, and LaTeX's own
_RELATION_RE = re.compile(
    r"(?:(?<![=<>!])|(?<=[0-9)}]!))=(?!=)|[<>]|\\(?:equiv|approx|[lg]eq?|Rightarrow|implies)\b"
)
# a LaTeX command or a function name: neither is a word of prose
_NOT_PROSE_RE = re.compile(r"\\[A-Za-z]+|[A-Za-z]+(?=[(\[])")
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
SHOWN_CHARS = 40


def _shown(text: str) -> str:
    """A short, one-line quote of ``text`` for a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN_CHARS else flat[: SHOWN_CHARS - 3] + "..."


def not_worked(solution: str) -> str | None:
    """What ``solution`` is instead of worked steps (module doc), quoting what gave it
    away -- ``a Python program ('def solution():')``, ``only an expression ('( 76.0 -
    25.0 )')`` -- or ``None`` for a worked solution."""
    text = _ASY_RE.sub(" ", solution) if "[asy]" in solution else solution
    program = _PROGRAM_RE.search(text)
    if program is not None:
        line_end = text.find("\n", program.start())
        line = text[program.start() : line_end if line_end >= 0 else len(text)]
        return f"a Python program ({_shown(line)!r})"
    prose = _WORD_RE.search(_NOT_PROSE_RE.sub(" ", text)) is not None
    if not prose and len(_RELATION_RE.findall(text)) <= 1:
        return f"only an expression, no worked steps ({_shown(solution)!r})"
    return None


__all__ = ["SHOWN_CHARS", "not_worked"]
