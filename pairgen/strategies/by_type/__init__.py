"""The by_type strategy: each MetaMathQA row paired by the rule its ``type`` calls for."""

__all__: list[str] = []
