"""``visd tag``: tag every actor, project, call and capability need with taxonomy concepts.

Incremental by default: only the records changed since the matching index last saw the database are
re-tagged (everything the first time). Run it after a bulk import. ``--rebuild`` re-tags everything.
Curated and self-declared tags are never changed."""

from django.core.management.base import BaseCommand

from visd.matchmaking import lifecycle, page_cache, tagging


class Command(BaseCommand):
    help = "Tag records with taxonomy concepts (incremental; --rebuild for all) and update the matching index."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="re-tag every record and rebuild the index")

    def handle(self, *args, rebuild, **options):
        result = tagging.tag_all(rebuild=rebuild)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items()))
        page_cache.warm()   # the strength maps, computed ahead for the pages (visd.matchmaking.page_cache)
        progress = lifecycle.dense_progress()
        if progress is not None:   # a dense encoder is configured, its embeddings are not all there
            self.stdout.write(f"Semantic matching: {progress[0]:,} of {progress[1]:,} texts embedded; the index "
                              "answers lexically until `visd embed` has embedded them all (it can run in the "
                              "background: nohup .venv/bin/visd embed > var/embed.log 2>&1 &).")
