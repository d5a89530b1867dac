"""``visd gdpr-export --contact ID [--output FILE]``: everything held about one person as JSON
(GDPR art. 15 and 20), for a request that reaches the programme office outside the web screens.
The export is recorded in the GDPR audit log like one from the contact's page."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from visd.stakeholders import actions
from visd.stakeholders.models import Contact


class Command(BaseCommand):
    help = "Export all personal data held about one contact as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--contact", type=int, required=True, help="Id of the contact.")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, contact, output, **options):
        try:
            person = Contact.objects.select_related("actor").get(pk=contact)
        except Contact.DoesNotExist:
            raise CommandError(f"There is no contact with id {contact}.") from None
        data = actions.export_personal_data(person, acting_user=None)
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Personal data of contact {contact} written to {output}.")
        else:
            self.stdout.write(text)
