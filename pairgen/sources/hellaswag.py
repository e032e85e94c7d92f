"""HellaSwag (``Rowan/hellaswag``): pick the ending that continues a context.

Hub schema: ``ind`` (int), ``activity_label``, ``ctx_a``, ``ctx_b``, ``ctx`` (``ctx_a``,
a space, ``ctx_b``; or ``ctx_a`` alone when ``ctx_b`` is empty), ``endings`` (4
strings), ``source_id`` (``activitynet~v_...`` or ``wikihow~...``), ``split``,
``split_type`` and ``label``, the correct ending's index *as a string*, ``""`` on the
test split.  (The Hub script builds it as ``str(row.get("label", ""))`` from the
original files, whose ``label`` is an int; an int label is accepted too.)

The prompt is ``"<activity label>: <ctx>"`` and a completion is the ending itself: the
model continues the context, as in the paper.  Choice labels are ``"0"``..``"3"``, so
``chosen_value`` equals the Hub ``label``.  WikiHow markup is cleaned here by default,
the raw text kept for ``StrategyOptions(clean_markup=False)``: see
:mod:`pairgen.sources.markup`.

Reject codes: ``unlabeled`` (empty label), ``unknown_answer_key`` (a label that is not
the index of an ending, written in ASCII digits: ``"²"`` and ``"٣"`` are not),
``malformed_endings`` (not a list of strings), ``empty_choice``, ``too_few_choices``
(fewer than two endings) and ``too_many_choices`` (over ``MAX_CHOICES``),
``duplicate_id`` when an ``ind`` repeats within a split (the first row keeps it), plus the
text-field codes and ``bad_encoding``/``too_long`` (:mod:`pairgen.sources.fields`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from pairgen.errors import RowRejected
from pairgen.record import Example
from pairgen.sources.base import Source, require_text
from pairgen.sources.choices import CONTINUATION_META_KEY, MAX_CHOICES, answer_completion
from pairgen.sources.markup import clean_wikihow_markup, raw_text_meta


class HellaSwag(Source):
    """HellaSwag commonsense sentence completion (ActivityNet and WikiHow contexts)."""

    name = "hellaswag"
    hub_repo = "Rowan/hellaswag"
    configs = ("default",)
    splits = ("train", "validation", "test")
    unlabeled_splits = ("test",)  # label empty on every row
    required_columns = ("ind", "activity_label", "ctx", "endings", "label")
    id_column = "ind"  # unique per split; ``source_id`` names the video or article
    text_columns = ("activity_label", "ctx", "ctx_a", "ctx_b", "source_id", "split_type")
    default_strategy = "choice"
    example_kind = "choices"
    license = "mit"
    pretty_name = "HellaSwag"
    completes_context = True
    citation = """@inproceedings{zellers2019hellaswag,
  title     = {HellaSwag: Can a Machine Really Finish Your Sentence?},
  author    = {Zellers, Rowan and Holtzman, Ari and Bisk, Yonatan and Farhadi, Ali and Choi, Yejin},
  booktitle = {Proceedings of the 57th Annual Meeting of the Association for
               Computational Linguistics},
  year      = {2019},
}"""

    def column_types(self) -> dict[str, pa.DataType]:
        """Text columns as strings and ``endings`` as a list of them (``label`` is left
        to the file: the Hub's is a string, the original files' an int)."""
        return {**super().column_types(), "endings": pa.list_(pa.string())}

    def to_example(
        self, row: Mapping[str, Any], *, config: str, split: str, row_index: int
    ) -> Example:
        context = require_text(row, "ctx")
        endings = _endings(row.get("endings"))
        answer_index = _answer_index(row.get("label"), len(endings))
        activity = row.get("activity_label")
        clean_context = clean_wikihow_markup(context)
        clean_endings = [clean_wikihow_markup(e, after=clean_context) for e in endings]
        if any(not ending.strip() for ending in clean_endings):
            raise RowRejected("empty_choice", "an ending is empty once its markup is removed")
        meta: dict[str, Any] = {CONTINUATION_META_KEY: True}
        if clean_context != context or clean_endings != endings:
            meta.update(raw_text_meta(context, endings))
        return Example(
            source=self.name,
            config=config,
            split=split,
            source_id=self.source_id(row, row_index),
            question=clean_context,
            choices=tuple(clean_endings),
            choice_labels=tuple(str(index) for index in range(len(endings))),
            answer_index=answer_index,
            context=activity.strip() if isinstance(activity, str) else "",
            meta=meta,
        )

    def render_question(self, example: Example) -> str:
        """``"<activity label>: <context>"``; the completion continues it directly."""
        if example.context:
            return f"{example.context}: {example.question}"
        return example.question

    def render_answer(self, example: Example) -> str:
        """The correct ending, with the separator the pairs use."""
        return answer_completion(example)


def _endings(value: object) -> list[str]:
    """The endings of a row as a list of strings, or a reject."""
    if not isinstance(value, list | tuple) or not all(isinstance(e, str) for e in value):
        raise RowRejected(
            "malformed_endings", f"endings is {type(value).__name__}, not a list of str"
        )
    if any(not ending.strip() for ending in value):
        raise RowRejected("empty_choice", "an ending is empty")
    if len(value) < 2:
        raise RowRejected("too_few_choices", f"{len(value)} ending(s)")
    if len(value) > MAX_CHOICES:
        raise RowRejected("too_many_choices", f"{len(value)} endings (at most {MAX_CHOICES})")
    return list(value)


def _answer_index(label: object, count: int) -> int:
    """The Hub's string label (``"2"``) as an ending index, or the reject why not.

    ASCII digits only (``str.isdigit()`` also accepts ``"²"``, which ``int()`` refuses),
    and at most 9 of them (``int()`` refuses thousands).
    """
    if label is None or (isinstance(label, str) and not label.strip()):
        raise RowRejected("unlabeled", "label is empty (the HellaSwag test split is unlabeled)")
    index = -1
    if isinstance(label, int) and not isinstance(label, bool):
        index = label
    elif isinstance(label, str):
        text = label.strip()
        if text.isascii() and text.isdigit() and len(text) < 10:
            index = int(text)
    if not 0 <= index < count:
        raise RowRejected(
            "unknown_answer_key", f"label {label!a} is not an index of {count} endings"
        )
    return index


__all__ = ["HellaSwag"]
