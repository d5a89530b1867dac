"""``visd gdpr-erase --contact ID --yes``: erase one person (GDPR art. 17) as the contact's page
does: the contact, its history, its place in interaction history; its event registrations stay,
anonymised, with their history purged; an audit entry without personal data remains. ``--yes`` is required, because there is no undo."""

from django.core.management.base import BaseCommand, CommandError

from visd.stakeholders import actions
from visd.stakeholders.models import Contact


class Command(BaseCommand):
    help = "Erase one contact and its history for good (GDPR right to erasure)."

    def add_arguments(self, parser):
        parser.add_argument("--contact", type=int, required=True, help="Id of the contact.")
        parser.add_argument("--yes", action="store_true", help="Confirm the erasure; it cannot be undone.")

    def handle(self, *args, contact, yes, **options):
        try:
            person = Contact.objects.select_related("actor").get(pk=contact)
        except Contact.DoesNotExist:
            raise CommandError(f"There is no contact with id {contact}.") from None
        mentions = list(actions.interactions_mentioning(person).values_list("pk", flat=True))
        if not yes:
            raise CommandError(
                f"Erasing contact {contact} cannot be undone; add --yes to confirm. Nothing was changed."
            )
        entry = actions.erase_personal_data(person, acting_user=None)
        counts = ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in entry.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Contact {contact} erased ({counts}). Audit entry {entry.pk}."))
        if mentions:
            self.stdout.write(self.style.WARNING(
                "These interactions name the person in their free text, which erasure does not rewrite; "
                f"edit them by hand: {', '.join(map(str, mentions))}."
            ))
