"""Audit a maths build on real rows with checks written apart from the strategy's rule.

For every pair of ``OUT`` it finds the number the pair changed (by diffing chosen and
rejected itself, not from the stored edit columns) and counts the pairs that

* edit the **final answer**: the changed number's value equals the row's reference
  answer (the answer column when it is a number; the value of the option it names when
  ``--options`` is given and the option is one number; the number after GSM8K's ``####``;
  the content of the last ``\\boxed{}``), or the edit lies on or after the solution's
  answer line (its own plain detector: ``\\boxed``, ``####``, a line that starts with
  ``answer``/``ans``/``correct answer``/``correct option``/``the answer is``);
* edit a **given number**: the value occurs in the row's problem text (any digit run,
  commas dropped or kept as separators, ``a/b``, ``\\frac{a}{b}``, number words);
* edit **only an annotation**: every changed character lies inside a ``<<...>>``;
* edit a **program**: the solution has a ``def``/``return``/``print(`` line.

Usage::

    python benchmarks/maths_audit.py OUT --data test=rows.jsonl [--data ...] \\
        --prompt question [--answer correct] [--options options] [--id id]

``--data`` names the file each split was built from (JSON Lines), so a pair's
``source_id`` (the row index, or ``--id``'s value) finds its row.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

_DIGITS = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+")
_SLASH = re.compile(r"([0-9]+)\s*/\s*([0-9]+)")
_FRAC = re.compile(r"\\[dt]?frac\s*\{?([0-9]+)\}?\s*\{?([0-9]+)\}?")
_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_TENS |= {"ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6, "dozen": 12}
_ANSWER_LINE = re.compile(
    r"(?im)^\W*(?:the\s+)?(?:correct\s+|final\s+)?(?:answer|ans|option)\b|####|\\boxed"
)
_ANNOTATION = re.compile(r"<<[^<>]*>>")
_PROGRAM = re.compile(r"(?m)^\s*(?:def\s+\w+\(|return\b|print\()")


def _values(token: str) -> set[Fraction]:
    """A digit run's values: commas as thousands separators, and each piece alone."""
    out = set()
    clean = token.rstrip(",.")
    if clean.startswith("."):
        out.add(Fraction("0" + clean))
        clean = clean[1:]
    if clean:
        with contextlib.suppress(ValueError):
            out.add(Fraction(clean.replace(",", "")))
        out |= {Fraction(p) for p in re.split(r"[,]", clean) if re.fullmatch(r"[0-9.]+", p)}
    return out


def numbers_in(text: str) -> set[Fraction]:
    """Every value the text states, as generously as a reader would."""
    found: set[Fraction] = set()
    for m in _DIGITS.finditer(text):
        found |= _values(m.group())
    for rx in (_SLASH, _FRAC):
        for m in rx.finditer(text):
            if int(m.group(2)):
                found.add(Fraction(int(m.group(1)), int(m.group(2))))
    low = text.lower()
    for i, word in enumerate(_WORDS):
        if re.search(rf"\b{word}\b", low):
            found.add(Fraction(i))
    for word, value in _TENS.items():
        if re.search(rf"\b{word}\b", low):
            found.add(Fraction(value))
    return found


def single_value(text: str) -> Fraction | None:
    """The value of a text that states exactly one number (``Rs.6000``, ``20%``)."""
    text = re.sub(r"^\s*\(?[A-Ea-e]\)\s*", "", text)
    found = [m.group() for m in _DIGITS.finditer(text)]
    fractions = _SLASH.findall(text) + _FRAC.findall(text)
    if len(fractions) == 1 and len(found) == 2:
        n, d = fractions[0]
        return Fraction(int(n), int(d)) if int(d) else None
    if len(found) != 1:
        return None
    token = found[0].rstrip(",.")
    try:
        value = Fraction(token.replace(",", "")) if token else None
    except ValueError:
        return None
    if value is not None and re.search(r"-\s*" + re.escape(found[0]), text):
        value = -value
    return value


def reference_answers(row: dict[str, Any], solution: str, args: argparse.Namespace) -> set:
    """The row's final answer values from the data itself (unsigned)."""
    out: set[Fraction] = set()
    answer = row.get(args.answer) if args.answer else None
    if isinstance(answer, (int, float)):
        out.add(abs(Fraction(str(answer))))
    elif isinstance(answer, str):
        value = single_value(answer)
        if value is not None:
            out.add(abs(value))
        if args.options and re.fullmatch(r"\s*[A-Ea-e]\s*", answer):
            for option in row.get(args.options) or []:
                if re.match(rf"\s*\(?{answer.strip()}\)", option, re.IGNORECASE):
                    value = single_value(option)
                    if value is not None:
                        out.add(abs(value))
    m = re.search(r"####\s*([-0-9,.]+)", solution)
    if m:
        value = single_value(m.group(1))
        if value is not None:
            out.add(abs(value))
    at = solution.rfind("\\boxed{")
    if at >= 0:
        depth, end = 1, at + 7
        while end < len(solution) and depth:
            depth += {"{": 1, "}": -1}.get(solution[end], 0)
            end += 1
        value = single_value(solution[at + 7 : end - 1])
        if value is not None:
            out.add(abs(value))
    return out


def changed_value(chosen: str, start: int, end: int) -> Fraction | None:
    """The value of the number run ``chosen[start:end]``, or of the fraction it is part of."""
    for rx in (_FRAC, _SLASH):
        for m in rx.finditer(chosen, max(0, start - 30), min(len(chosen), end + 30)):
            if m.start() <= start and end <= m.end() and int(m.group(2)):
                return Fraction(int(m.group(1)), int(m.group(2)))
    value = single_value(chosen[start:end])
    return None if value is None else abs(value)


def changed_number(chosen: str, rejected: str) -> tuple[int, int, int] | None:
    """(start, end) in chosen of the number run that holds the last changed character,
    and the first changed offset."""
    prefix = 0
    while prefix < min(len(chosen), len(rejected)) and chosen[prefix] == rejected[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(chosen), len(rejected)) - prefix
        and chosen[-1 - suffix] == rejected[-1 - suffix]
    ):
        suffix += 1
    last = len(chosen) - suffix - 1
    if last < prefix:
        last = prefix
    for m in _DIGITS.finditer(chosen):
        if m.start() <= last < m.end():
            return m.start(), m.end(), prefix
    return None


def load_rows(files: Iterable[str], id_column: str | None) -> dict[tuple[str, str], dict]:
    rows: dict[tuple[str, str], dict] = {}
    for spec in files:
        split, _, path = spec.partition("=")
        for index, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            key = str(row[id_column]) if id_column else str(index)
            rows[(split, key)] = row
    return rows


def audit(args: argparse.Namespace) -> dict[str, Any]:
    rows = load_rows(args.data, args.id)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for path in sorted(Path(args.out, "data").rglob("*.parquet")):
        for pair in pq.read_table(path).to_pylist():
            counts["pairs"] += 1
            row = rows[(pair["split"], pair["source_id"])]
            chosen, rejected = pair["chosen"], pair["rejected"]
            found = changed_number(chosen, rejected)
            flags = []
            if found is None:
                flags.append("not_a_number_edit")
            else:
                start, end, first = found
                value = changed_value(chosen, start, end)
                line = _ANSWER_LINE.search(chosen)
                if line is not None and end > line.start():
                    flags.append("at_or_after_answer_line")
                if value is not None and value in reference_answers(row, chosen, args):
                    flags.append("equals_final_answer")
                if value is not None and value in numbers_in(str(row[args.prompt])):
                    flags.append("given_number")
                spans = [m.span() for m in _ANNOTATION.finditer(chosen)]
                last = start
                if all(any(s <= p < e for s, e in spans) for p in (first, last)):
                    flags.append("annotation_only")
            if _PROGRAM.search(chosen):
                flags.append("in_program")
            for flag in flags:
                counts[flag] += 1
                examples.setdefault(flag, [])
                if len(examples[flag]) < args.examples:
                    at = pair["edit_start"]
                    examples[flag].append(
                        f"{pair['split']}/{pair['source_id']}: ...{chosen[max(0, at - 60) : at + 30]!r}"
                        f" -> {pair['rejected_value']!r}"
                    )
    manifest = json.loads(Path(args.out, "manifest.json").read_text(encoding="utf-8"))
    rejects: Counter[str] = Counter()
    for path in sorted(Path(args.out, "rejects").rglob("*.parquet")):
        for reason in pq.read_table(path, columns=["reason"]).column("reason").to_pylist():
            rejects[reason] += 1
    return {
        "rows": len(rows),
        "counts": dict(counts),
        "rejects": dict(rejects.most_common()),
        "examples": examples,
        "manifest_pairs": manifest.get("total_pairs", manifest.get("pairs")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--data", action="append", required=True, help="SPLIT=FILE.jsonl")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--answer")
    parser.add_argument("--options")
    parser.add_argument("--id")
    parser.add_argument("--examples", type=int, default=3)
    print(json.dumps(audit(parser.parse_args()), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
