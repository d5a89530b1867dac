"""``visd restore FILE``: replace every row of the database with those of a backup made by ``visd
backup`` (history included, nothing re-created). Stop the server first; afterwards run ``visd migrate``
(a backup of an older version) and ``visd tag`` (the matching index follows the restored database).
See docs/operations.md."""

from django.core.management.base import BaseCommand, CommandError

from visd.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `visd backup` (stop the server first)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup made by `visd backup`")
        parser.add_argument("--database", default="default")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="do not ask for confirmation")

    def handle(self, *args, file, database, interactive, **options):
        if interactive:
            answer = input(f"Every row of the database '{database}' will be replaced by those in {file}. "
                           "Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        try:
            restore(file, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {file}. Now run `visd migrate` (if the backup is of an older "
                          "version) and `visd tag` (the matching index follows the restored data).")
