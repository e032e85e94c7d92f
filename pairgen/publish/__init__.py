"""Publishing a build.

The dataset card (card, card_context, card_check, templates/) and the Hub upload (hub).
"""

__all__: list[str] = []
