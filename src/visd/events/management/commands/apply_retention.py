"""``visd apply-retention [--days N] [--contact-days N] [--dry-run]``: GDPR storage limitation
(art. 5(1)(e)) for the two places that hold people.

- Event registrations of people who are not contacts of the stakeholder register are anonymised
  once their event ended more than N days ago (``--days`` or ``VISD_REGISTRATION_RETENTION_DAYS``).
- Contacts of the stakeholder register with whom nothing has happened for more than N days (no
  change to the record, consent, interaction, open follow-up or event) are erased as a request to
  erase would (``--contact-days`` or ``VISD_CONTACT_RETENTION_DAYS``).
- Rejected and expired claims to join the ecosystem are anonymised N days after their last step
  (``--claim-days`` or ``VISD_CLAIM_RETENTION_DAYS``); an approved claim is anonymised when its
  contact is erased.

The VISD documents name no period, so neither has a default: a kind without a period is left alone,
and without any period the command refuses and changes nothing. Run it daily (cron, systemd timer).
Each anonymised registration and each erased contact gets a GDPR audit entry (action *retention*).
Erasure cannot rewrite free text: the command lists the interactions whose text names an erased
person, for a programme manager to edit."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from visd.events import actions
from visd.onboarding import actions as onboarding_actions
from visd.stakeholders import actions as stakeholder_actions


def _ids(records) -> str:
    return ", ".join(str(r.pk) for r in records)


class Command(BaseCommand):
    help = "Anonymise past event registrations of non-contacts and erase inactive contacts (GDPR retention)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Retention period of event registrations of non-contacts, in days after the "
                                 "event's last day (default: the setting VISD_REGISTRATION_RETENTION_DAYS).")
        parser.add_argument("--contact-days", type=int, default=None,
                            help="Retention period of contacts, in days since anything last happened with them "
                                 "(default: the setting VISD_CONTACT_RETENTION_DAYS).")
        parser.add_argument("--claim-days", type=int, default=None,
                            help="Retention period of rejected and expired claims to join the ecosystem, in days "
                                 "after their last step (default: the setting VISD_CLAIM_RETENTION_DAYS).")
        parser.add_argument("--dry-run", action="store_true", help="List what would be done; change nothing.")

    def handle(self, *args, days, contact_days, claim_days, dry_run, **options):
        if days is None:
            days = getattr(settings, "VISD_REGISTRATION_RETENTION_DAYS", None)
        if contact_days is None:
            contact_days = getattr(settings, "VISD_CONTACT_RETENTION_DAYS", None)
        if claim_days is None:
            claim_days = getattr(settings, "VISD_CLAIM_RETENTION_DAYS", None)
        if days is None and contact_days is None and claim_days is None:
            raise CommandError("No retention period is set: pass --days N (event registrations), --contact-days N "
                               "(contacts) or --claim-days N (claims to join), or set VISD_REGISTRATION_RETENTION_DAYS, "
                               "VISD_CONTACT_RETENTION_DAYS or VISD_CLAIM_RETENTION_DAYS (the VISD documents name "
                               "none; choose them with the data protection officer). Nothing was changed.")
        for name, value in (("retention period", days), ("contact retention period", contact_days),
                            ("claim retention period", claim_days)):
            if value is not None and value < 1:
                raise CommandError(f"The {name} must be at least one day, not {value}. Nothing was changed.")
        today = timezone.localdate()
        if days is None:
            self.stdout.write("Event registrations: no retention period set (VISD_REGISTRATION_RETENTION_DAYS); "
                              "left alone.")
        else:
            self._registrations(days, today, dry_run)
        if contact_days is None:
            self.stdout.write("Contacts: no retention period set (VISD_CONTACT_RETENTION_DAYS); left alone.")
        else:
            self._contacts(contact_days, today, dry_run)
        if claim_days is None:
            self.stdout.write("Claims to join: no retention period set (VISD_CLAIM_RETENTION_DAYS); left alone.")
        else:
            self._claims(claim_days, today, dry_run)

    def _claims(self, days, today, dry_run):
        cutoff = today - datetime.timedelta(days=days)
        if dry_run:
            due = list(onboarding_actions.claims_past_retention(days, today))
            self.stdout.write(f"{len(due)} rejected or expired claim(s) closed before {cutoff:%Y-%m-%d} would be "
                              f"anonymised (dry run, nothing was changed)" + (f": ids {_ids(due)}." if due else "."))
            return
        count = onboarding_actions.apply_claim_retention(days, today)
        self.stdout.write(self.style.SUCCESS(
            f"{count} rejected or expired claim(s) closed before {cutoff:%Y-%m-%d} anonymised."))

    def _registrations(self, days, today, dry_run):
        cutoff = today - datetime.timedelta(days=days)
        if dry_run:
            due = list(actions.registrations_past_retention(days, today))
            self.stdout.write(f"{len(due)} registration(s) of events that ended before {cutoff:%Y-%m-%d} would be "
                              f"anonymised (dry run, nothing was changed)" + (f": ids {_ids(due)}." if due else "."))
            return
        entries = actions.apply_registration_retention(days, today=today)
        self.stdout.write(self.style.SUCCESS(
            f"{len(entries)} registration(s) of events that ended before {cutoff:%Y-%m-%d} anonymised"
            + (f"; audit entries {_ids(entries)}." if entries else ".")))

    def _contacts(self, days, today, dry_run):
        cutoff = today - datetime.timedelta(days=days)
        due = list(stakeholder_actions.contacts_past_retention(days, today))
        # free text cannot be rewritten by an erasure: name the interactions a person must edit
        mentioning = sorted({i.pk for c in due for i in stakeholder_actions.interactions_mentioning(c)})
        if dry_run:
            self.stdout.write(f"{len(due)} contact(s) with nothing since {cutoff:%Y-%m-%d} would be erased "
                              f"(dry run, nothing was changed)" + (f": ids {_ids(due)}." if due else "."))
        else:
            entries = stakeholder_actions.apply_contact_retention(days, today=today)
            self.stdout.write(self.style.SUCCESS(
                f"{len(entries)} contact(s) with nothing since {cutoff:%Y-%m-%d} erased"
                + (f"; audit entries {_ids(entries)}." if entries else ".")))
        if mentioning:
            self.stdout.write(self.style.WARNING(
                f"Interactions whose text names {'these people' if dry_run else 'an erased person'} (edit them by "
                f"hand): ids {', '.join(map(str, mentioning))}."))
