"""Turning refused actions into messages for the person who tried them, the same way on every page."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def report_validation_error(request, error: ValidationError) -> None:
    """Show every message of a ValidationError raised by an action, field-keyed or not."""
    for message in error.messages:
        messages.error(request, message)
