"""``visd merge-actors --keep ID --merge ID [--user NAME] [--dry-run]``: merge two records of one
organisation (``visd.actors.merge``, docs/data.md "Merging duplicates"). Bad input (the same id
twice, an unknown id, conflicting KBO or VAT numbers) is refused with a message and changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations

from visd.actors import merge


class Command(BaseCommand):
    help = "Merge the duplicate actor record --merge into --keep (every link moves; --merge is deleted)."

    def add_arguments(self, parser):
        parser.add_argument("--keep", dest="keep_id", required=True, help="Id of the record that stays.")
        parser.add_argument("--merge", dest="merge_id", required=True, help="Id of the duplicate record, merged and deleted.")
        parser.add_argument("--user", default=None, help="User name recorded as the author of the merge.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would move; change nothing.")

    @no_translations
    def handle(self, *args, keep_id, merge_id, user, dry_run, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            plan = merge.plan(keep_id, merge_id)
        except merge.MergeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Keep #{plan.keep.pk} {plan.keep.name}; merge #{plan.merge.pk} {plan.merge.name}")
        for relation, count in plan.moves.items():
            self.stdout.write(f"  move {count:>5}  {relation}")
        for note in plan.clashes:
            self.stdout.write(f"  clash: {note}")
        if plan.other_pics:
            self.stdout.write(f"  other PICs += {', '.join(plan.other_pics)}")
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        try:
            audit = merge.merge_actors(plan.keep.pk, plan.merge.pk, user=author)
        except merge.MergeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Merged #{audit.merged_id} into #{plan.keep.pk}: {sum(audit.moved.values())} rows moved, "
            f"{len(audit.notes)} duplicates resolved (merge log entry {audit.pk})."))
