"""The choice strategy: the answer against each wrong choice, and its invariant."""

__all__: list[str] = []
