"""The choice rule's options (light: ``pairgen build --help`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass

from pairgen.config.strategy_options import OptionSet, option

# the completion forms (``ChoiceOptions.choice_template``)
CHOICE_TEMPLATES: tuple[str, ...] = ("letter", "sentence")


@dataclass(frozen=True, slots=True)
class ChoiceOptions(OptionSet):
    """``choice_template``: ``"letter"`` (the completion is the answer text) or
    ``"sentence"`` (a whole answer sentence, so the pair differs only in the choice).
    ``clean_markup``: strip HellaSwag's WikiHow ``[header]``/``[step]`` markup."""

    choice_template: str = option(
        "letter",
        "Choice completions: the answer (letter) or a whole answer sentence.",
        choices=CHOICE_TEMPLATES,
    )
    clean_markup: bool = option(
        True, "HellaSwag: strip the WikiHow [header]/[step] markup.", sources=("hellaswag",)
    )


__all__ = ["CHOICE_TEMPLATES", "ChoiceOptions"]
