"""Publishing a build to the Hugging Face Hub.

The dataset card (card, card_context, card_check, card_rows, templates/) and the upload
(upload; its plan in upload_plan, the wording of its errors in upload_errors).
"""

__all__: list[str] = []
