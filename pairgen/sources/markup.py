"""WikiHow markup in HellaSwag, and the switch that keeps or removes it.

About a third of HellaSwag comes from WikiHow, whose rows carry structural tags:
``[header] How to make tea [title] Boil the water. [step] Fill a kettle...``, and endings
that begin with ``[title]`` or ``[substeps]``.  Left in, the tags teach a model to emit
bracketed tokens; they are artefacts of the scrape, not language.

**The preprocessing** (:func:`clean_wikihow_markup`) replaces each of the four known tags
``[header]``, ``[title]``, ``[step]``, ``[substeps]`` (and the whitespace around it) by a
sentence boundary: one space when the text before it already ends a sentence (``.!?:;``)
or is empty, else ``". "`` (a header or title has no full stop of its own).  Nothing else
is touched: real bracketed text such as ``[your name]`` stays.

**Where it applies.**  The HellaSwag source cleans in ``to_example`` (the default, so the
prompt, the few-shot exemplars and the completions all agree), and keeps the raw text in
``Example.meta["raw"]``.  A strategy built with ``StrategyOptions(clean_markup=False)``
calls :func:`with_raw_text` to put the raw text back; the source never sees options.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from pairgen.record import Example

WIKIHOW_TAGS: tuple[str, ...] = ("header", "title", "step", "substeps")
_TAG_RE = re.compile(r"\s*\[(?:" + "|".join(WIKIHOW_TAGS) + r")\]\s*")
_SENTENCE_END = ".!?:;"
RAW_META_KEY = "raw"


def has_wikihow_markup(text: str) -> bool:
    """Whether ``text`` holds at least one of the known WikiHow tags."""
    return _TAG_RE.search(text) is not None


def clean_wikihow_markup(text: str, *, after: str = "") -> str:
    """``text`` with the WikiHow tags turned into sentence boundaries.

    ``after`` is the text this one continues (the context, for an ending): a leading tag
    then becomes ``". "`` when the context has not finished its sentence, so that
    ``context + " " + ending`` still reads as prose.  Text without tags is returned
    unchanged (not even stripped), so cleaning ActivityNet rows is the identity.
    """
    if not has_wikihow_markup(text):
        return text
    cleaned = ""
    position = 0
    for match in _TAG_RE.finditer(text):
        cleaned += text[position : match.start()]
        position = match.end()
        if position == len(text):
            break  # a trailing tag introduces nothing
        before = cleaned.rstrip() or after.rstrip()
        if before and before[-1] not in _SENTENCE_END:
            cleaned = cleaned.rstrip() + ". "
        elif cleaned.strip() and not cleaned.endswith(" "):
            cleaned += " "
    return (cleaned + text[position:]).strip()


def raw_text_meta(question: str, choices: Sequence[str]) -> dict[str, object]:
    """The ``meta`` entry a source stores when it cleaned ``question``/``choices``."""
    return {RAW_META_KEY: {"question": question, "choices": tuple(choices)}}


def with_raw_text(example: Example) -> Example:
    """``example`` with the uncleaned question and choices a source kept, if any.

    Idempotent, and the identity for examples whose source stored no raw text, so a
    strategy may call it on every example.
    """
    raw = example.meta.get(RAW_META_KEY)
    if not isinstance(raw, dict):
        return example
    return dataclasses.replace(
        example,
        question=str(raw["question"]),
        choices=tuple(str(choice) for choice in raw["choices"]),
    )


__all__ = [
    "RAW_META_KEY",
    "WIKIHOW_TAGS",
    "clean_wikihow_markup",
    "has_wikihow_markup",
    "raw_text_meta",
    "with_raw_text",
]
