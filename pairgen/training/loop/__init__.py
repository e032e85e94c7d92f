"""The training loop: pairs -> token ids -> batches -> forward -> losses -> optimizer step.

Data (``data``, ``lengths``, ``batches``, ``packing``, ``masks``), the model (``models``,
``tiny``, ``smollm2``, ``device``, ``weights``, ``memory``, ``budget``, ``head``,
``sharing``), the forward pass and its scoring (``forward``, ``losses``, ``measure``,
``reference``), and the run (``session``, ``warmup``, ``evaluation``, ``trainer``).
Nothing here imports :mod:`pairgen.training.analysis` (``tests/test_layout.py``).
"""
