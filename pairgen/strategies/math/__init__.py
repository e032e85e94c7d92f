"""The MATH strategy: one corrupted intermediate result in a competition-maths solution."""

__all__: list[str] = []
