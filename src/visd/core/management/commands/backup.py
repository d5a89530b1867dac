"""``visd backup FILE``: a copy of the whole database, history included, in a new file only its owner
may read. SQLite through its online backup API (the server may keep running), PostgreSQL with
pg_dump's custom format. Restore with ``visd restore FILE`` (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from visd.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database (history included) to a new file, readable by its owner only."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to create (never overwritten)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, **options):
        try:
            path = backup(file, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
