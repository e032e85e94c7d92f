"""Where ``pairgen validate`` reloads each tokenizer named in the shards from.

A Hub tokenizer is reloaded by its id.  A local one is recorded by name and content hash
only (:mod:`pairgen.metrics.tokenizer_identity`), so validate cannot find it alone: it is
handed back with ``--tokenizer PATH`` and accepted only with the recorded hash.  Without
it the token columns are not rechecked, which is said in one line
(:func:`not_rechecked_note`): it is not a failure of the output, and not silence either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pairgen.metrics.tokenizer_identity import handed_back, is_local_name


@dataclass(frozen=True, slots=True)
class TokenRecheck:
    """The manifest's tokenizer, and the local path handed back for it (if any)."""

    recorded: str | None = None
    local: dict[str, str] = field(default_factory=dict)  # recorded name -> path

    def target(self, name: str) -> str | None:
        """What to load for a name in the ``tokenizer`` column; ``None``: a local
        tokenizer that was not handed back (its rows' token columns are not rechecked)."""
        if name in self.local:
            return self.local[name]
        return None if is_local_name(name) else name

    @property
    def skipped(self) -> bool:
        """Whether the build's own tokenizer is local and was not handed back."""
        return self.recorded is not None and self.target(self.recorded) is None


def token_recheck(recorded: object, given: str | None) -> TokenRecheck:
    """The recheck plan for a manifest's ``tokenizer`` and ``--tokenizer`` (raises
    :class:`~pairgen.errors.PairgenError` when the tokenizer given is not the build's)."""
    name = recorded if isinstance(recorded, str) else None
    if given is None:
        return TokenRecheck(name)
    ref = handed_back(name, given)
    return TokenRecheck(name, {ref.recorded: ref.load})


def not_rechecked_note(recorded: str) -> str:
    """The line validate prints when a local tokenizer's columns could not be rechecked."""
    return (
        f"token columns not rechecked: the build used the local tokenizer {recorded}; "
        "pass --tokenizer PATH (its folder or tokenizer.json) to recheck them"
    )


__all__ = ["TokenRecheck", "not_rechecked_note", "token_recheck"]
