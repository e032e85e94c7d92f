"""The arithmetic strategy.

Corrupt one intermediate result of a worked solution (strategy), and the invariant
validate checks on its pairs (check).
"""

__all__: list[str] = []
