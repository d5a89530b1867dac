"""Reminders by e-mail: call deadlines to all VISD staff, follow-ups to the staff of the interaction,
programme and FRIS deadlines to management and the programme managers of the domain; each reminder
once; nothing to anyone outside the programme office; through Django's e-mail framework."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from stakeholder_world import *  # noqa: F403 (fixtures)

from visd.funding.models import Call
from visd.programme import reminders
from visd.programme.models import Deadline, ReminderSent
from visd.projects.models import VisdProject

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def staff(world, users):
    for key in ("pm_of_a", "pm_other", "director", "coordinator", "actor_user_a", "no_role"):
        users[key].email = f"{key}@example.be"
        users[key].save()
    world.interaction_a.staff.add(users["pm_of_a"])
    world.interaction_a.follow_up_due = datetime.date(2026, 3, 5)
    world.interaction_a.save()
    Call.objects.create(topic_id="EDF-2026-SOON", title="Underwater drones", deadline=datetime.date(2026, 3, 10))
    Call.objects.create(topic_id="EDF-2026-LATER", title="Later call", deadline=datetime.date(2026, 6, 1))
    Call.objects.create(topic_id="EDF-2025-PAST", title="Past call", deadline=datetime.date(2026, 2, 1))
    Deadline.objects.create(kind=Deadline.Kind.FRIS, title="FRIS-rapportering cyber", due=datetime.date(2026, 3, 9),
                            domain=world.cyber)
    Deadline.objects.create(kind=Deadline.Kind.REPORT, title="Jaarrapport", due=datetime.date(2026, 3, 15))
    Deadline.objects.create(kind=Deadline.Kind.OTHER, title="Done already", due=datetime.date(2026, 3, 3), done=True)
    VisdProject.objects.create(title="Sonar flagship", kind="innovation_support", status="approved",
                               domain=world.maritime, decided_on=datetime.date(2025, 11, 10))
    VisdProject.objects.create(title="Registered", kind="innovation_support", status="approved",
                               domain=world.maritime, decided_on=datetime.date(2025, 11, 10),
                               fris_registered_on=datetime.date(2025, 12, 1))
    return users


def texts(user) -> list[str]:
    return [item.text for item in reminders.reminders_for(user, TODAY)]


def test_who_is_reminded_of_what(staff):
    pm_a = texts(staff["pm_of_a"])
    assert any("EDF-2026-SOON" in t for t in pm_a)
    assert not any("LATER" in t or "PAST" in t for t in pm_a)
    assert any("Oproepfiche sturen" in t for t in pm_a)  # their follow-up
    assert any("Jaarrapport" in t for t in pm_a)  # programme-wide deadline
    assert not any("cyber" in t for t in pm_a)  # another domain's deadline
    assert any("Sonar flagship" in t for t in pm_a)  # FRIS due 2026-03-10 for their domain
    assert not any("Registered" in t or "Done already" in t for t in pm_a)

    pm_other = texts(staff["pm_other"])
    assert any("cyber" in t for t in pm_other)
    assert not any("Oproepfiche" in t or "Sonar" in t for t in pm_other)

    director = texts(staff["director"])
    assert any("cyber" in t for t in director) and any("Sonar" in t for t in director)
    assert not any("Oproepfiche" in t for t in director)  # not their follow-up

    for outsider in ("actor_user_a", "no_role", "anonymous"):
        assert reminders.reminders_for(staff[outsider], TODAY) == []


def test_reminders_are_mailed_once(staff):
    counts = reminders.send_reminders(TODAY, base_url="https://visd.example")
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(f"{k}@example.be" for k in ("pm_of_a", "pm_other", "director", "coordinator"))
    assert counts["users"] == 4
    assert counts["reminders"] == ReminderSent.objects.count() == sum(
        len(reminders.reminders_for(staff[k], TODAY)) for k in ("pm_of_a", "pm_other", "director", "coordinator"))
    pm_mail = next(m for m in mail.outbox if m.to == ["pm_of_a@example.be"])
    assert "https://visd.example/calls/EDF-2026-SOON/" in pm_mail.body
    assert "Oproepfiche sturen" in pm_mail.body
    mail.outbox.clear()
    assert reminders.send_reminders(TODAY) == {"users": 0, "reminders": 0}
    assert mail.outbox == []


def test_a_moved_deadline_is_reminded_again(staff):
    reminders.send_reminders(TODAY)
    mail.outbox.clear()
    call = Call.objects.get(topic_id="EDF-2026-SOON")
    call.deadline = datetime.date(2026, 3, 12)
    call.save()
    reminders.send_reminders(TODAY)
    assert len(mail.outbox) == 4
    assert all("EDF-2026-SOON" in m.body for m in mail.outbox)


def test_command_dry_run_sends_nothing(staff):
    out = StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), "--dry-run", stdout=out)
    assert "would send" in out.getvalue()
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    call_command("send_reminders", "--date", TODAY.isoformat(), "--days", "30", stdout=out)
    assert len(mail.outbox) == 4
    assert all("EDF-2026-LATER" not in m.body for m in mail.outbox)  # 91 days ahead
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "tomorrow")
