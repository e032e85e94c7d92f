"""What a run found, beyond its loss: effects, accuracy, gradients, the verdict, the report.

``probe`` measures around each loss's training (``gradients``, ``effects`` with
``suffix_effect`` and ``choice_accuracy``); ``table`` and ``verdict`` read the held-out
measurements; ``report`` (with ``report_text``, ``report_effects`` and ``plots``)
writes report.json, report.md and the plots; ``seeds`` runs and reports ``--seeds N``.
It may import the loop, never the reverse.
"""
