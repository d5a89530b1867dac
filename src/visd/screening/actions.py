"""State changes of the screening app: the views, the API and the loader command write through here."""

from __future__ import annotations

import datetime

from django.db import transaction

from .models import Screening


@transaction.atomic
def record_screening(kind: str, subject: str, result: dict, *, acting_user, project=None) -> Screening:
    """Store a screening as it was made: answers, outcome, the whole result with its sources, the
    rule version and who made it. ``result`` is what ``esac.screen`` or ``export_control.screen`` gave."""
    answers = result["answers"]
    screening = Screening(
        kind=kind,
        subject=subject.strip(),
        project=project,
        reference_date=datetime.date.fromisoformat(answers["reference_date"]),
        answers=answers,
        outcome=result["outcome"],
        result=result,
        rule_version=result["rule_version"],
        created_by=acting_user,
    )
    screening._history_user = acting_user
    screening.full_clean()
    screening.save()
    return screening
