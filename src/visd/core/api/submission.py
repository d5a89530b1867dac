"""The one-time submission key in the API (``visd.core.submission``): a create request may carry a
``submission_key``; the same key sent again records nothing and answers 200 with the record the
first request created, instead of 201. A request without a key is recorded every time."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status

#: The 200 of a create operation, as the schema documents it.
SENT_BEFORE = ("The `submission_key` was sent before: nothing was recorded a second time (the answer shows "
               "what the first request recorded).")
#: A sentence for the description of a create operation.
DESCRIBE = ("With a `submission_key` (a UUID the client makes once per submission), sending the same request "
            "again (a retry after a lost answer) records nothing a second time and answers 200 instead of 201.")


class SubmissionKeyField(serializers.UUIDField):
    """The optional ``submission_key`` of a create request."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("help_text", _(
            "A one-time key (a UUID) of this submission: the same key sent again records nothing a second "
            "time, so a request repeated after a network error is safe."))
        super().__init__(**kwargs)


def created_status(created: bool) -> int:
    """201 for a record created now, 200 for one a request with the same key created before."""
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK


def create_responses(serializer) -> dict:
    """The two success answers of a keyed create operation, for ``extend_schema(responses=...)``."""
    return {201: serializer, 200: OpenApiResponse(serializer, description=SENT_BEFORE)}
