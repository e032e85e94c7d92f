"""Publishing a build.

The dataset card (card, card_context, card_check, templates/) and the Hub upload (hub;
its plan in hub_plan, the wording of its errors in hub_errors).
"""

from pairgen.callable_stage import make_callable

__all__: list[str] = []

# ``pairgen.publish`` is also the API function (see pairgen.callable_stage).
make_callable(__name__, "pairgen.publish.hub:publish")
