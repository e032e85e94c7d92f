"""Output formats of the text columns: TRL's "standard" strings or "conversational" messages.

Standard: ``prompt``, ``chosen``, ``rejected`` are strings (the prompt always explicit,
so TRL never falls back to the longest common prefix, which for minimal pairs would
swallow half the completion).  Conversational: the same as message lists in the form
TRL's DPOTrainer accepts, ``prompt=[{"role": "user", ...}]``,
``chosen=[{"role": "assistant", ...}]``; few-shot exemplars become earlier
user/assistant turns instead of text pasted into one message.
"""

from __future__ import annotations

from collections.abc import Sequence

from pairgen.record import Example
from pairgen.sources.base import Source

Message = dict[str, str]


def conversational_prompt(
    source: Source, example: Example, shots: Sequence[Example]
) -> list[Message]:
    """Few-shot turns then the question, as chat messages."""
    messages: list[Message] = []
    for shot in shots:
        messages.append({"role": "user", "content": source.render_question(shot).rstrip()})
        messages.append({"role": "assistant", "content": source.render_answer(shot)})
    messages.append({"role": "user", "content": source.render_question(example).rstrip()})
    return messages


def assistant_message(text: str) -> list[Message]:
    return [{"role": "assistant", "content": text}]


__all__ = ["Message", "assistant_message", "conversational_prompt"]
