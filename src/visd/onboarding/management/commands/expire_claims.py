"""``visd expire-claims``: mark applications whose e-mail address was not confirmed within
VISD_ONBOARDING_CONFIRM_DAYS expired (each with a history row). A confirmation link checks the same
age by itself, so this command only tidies the list."""

from django.core.management.base import BaseCommand

from visd.onboarding.actions import expire_claims


class Command(BaseCommand):
    help = "Mark unconfirmed applications to join the ecosystem that are too old expired."

    def handle(self, *args, **options):
        count = expire_claims()
        self.stdout.write(f"{count} unconfirmed application(s) expired.")
