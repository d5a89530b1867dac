"""``visd load-screening-rules [--check] [--user NAME]``

Checks the versioned screening rules (ESAC, export control; every rule, flag and lead time with its
source) and loads the initial, sourced export restrictions and country notes. Running it again
changes nothing. See docs/guidance.md, "Screening"."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from visd.screening.loader import check_all, load_lists


class Command(BaseCommand):
    help = "Check the screening rules and load the initial export restrictions and country notes."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check the files; write nothing.")
        parser.add_argument("--user", default=None, help="User name recorded as the author of the changes.")

    def handle(self, *args, check, user, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"No user named {user!r}.")
        problems = check_all()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Screening rules refused ({len(problems)} problem(s)); nothing was loaded.")
        if check:
            self.stdout.write(self.style.SUCCESS("Screening rules checked: no problems."))
            return
        for kind, counter in load_lists(user=author).items():
            self.stdout.write(f"{kind}: " + ", ".join(f"{counter[o]} {o}" for o in
                                                     ("created", "updated", "unchanged", "not in files")))
        self.stdout.write(self.style.SUCCESS("Screening lists loaded."))
