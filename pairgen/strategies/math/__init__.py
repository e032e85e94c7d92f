"""The MATH strategy: one corrupted intermediate result in a competition-maths solution."""
