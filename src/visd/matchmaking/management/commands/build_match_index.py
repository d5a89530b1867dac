"""``visd build-match-index``: build the matching index from the whole database now, persist it under
VAR_DIR/matching and write every record's derived tags. (``visd tag`` does the same incrementally;
pages and the API only read the persisted index.)"""

import time

from django.core.management.base import BaseCommand

from visd.matchmaking import lifecycle, page_cache


class Command(BaseCommand):
    help = "Build the matching index from the database and write derived tags."

    def handle(self, *args, **options):
        t0 = time.perf_counter()
        index = lifecycle.build()
        stats = index.stats()
        page_cache.warm()   # the strength maps, computed ahead for the pages (visd.matchmaking.page_cache)
        self.stdout.write(f"{lifecycle.index_dir()}: {stats['actors']} actors, {stats['projects']} projects, "
                          f"{stats['opportunities']} calls and needs, {stats['concepts']} concepts "
                          f"({time.perf_counter() - t0:.1f} s)")
