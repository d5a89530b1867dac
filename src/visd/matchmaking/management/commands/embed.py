"""``visd embed [--batch N] [--limit N]``: compute the embeddings of the registry's texts with the
configured dense encoder (``VISD_MATCHING_ENCODER``) into the embedding cache beside the matching
index, a batch at a time, printing its progress; when every text is embedded, switch the index to the
dense channels. Resumable: each batch is committed, and a new run continues where the last stopped.
Until then the index answers lexically (``visd tag`` builds it at once). In the background:

    nohup .venv/bin/visd embed > var/embed.log 2>&1 &

See :mod:`visd.matchmaking.embedding` and docs/matching.md ("Dense embeddings")."""

import time

from django.core.management.base import BaseCommand, CommandError

from visd.matchmaking import embedding, encoders


def _n(value: int) -> str:
    return f"{value:,}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Command(BaseCommand):
    help = ("Embed the registry's texts with the configured dense encoder into the embedding cache "
            "(resumable), then switch the matching index to the dense channels.")
    requires_system_checks = []   # it checks the encoder itself, and runs for hours in the background

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=embedding.DEFAULT_BATCH,
                            help=f"texts per batch, each committed at once (default {embedding.DEFAULT_BATCH})")
        parser.add_argument("--limit", type=int, default=None,
                            help="stop after embedding this many texts (run again to continue)")

    def handle(self, *args, batch, limit, **options):
        if batch < 1 or (limit is not None and limit < 0):
            raise CommandError("--batch must be at least 1 and --limit at least 0")
        self._t0 = time.perf_counter()
        try:
            embedding.embed(batch=batch, limit=limit, report=self._report)
        except embedding.EmbedError as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt:
            raise CommandError("interrupted; the batches embedded so far are kept: run `visd embed` again "
                               "to continue") from None

    def _report(self, event, r):
        out = self.stdout
        if event == "start":
            out.write(f"{encoders.index_dir()}: {_n(r.embedded)} of {_n(r.texts)} texts embedded, "
                      f"{_n(r.texts - r.embedded)} to go")
        elif event == "batch":
            left = (r.texts - r.embedded) / r.rate if r.rate else 0
            out.write(f"{_n(r.embedded)} / {_n(r.texts)} texts embedded ({r.rate:.1f} texts/s"
                      + (f", about {_duration(left)} left)" if r.embedded < r.texts else ")"))
            out.flush()
        elif event == "limit":
            out.write(f"Stopped after {_n(r.computed)} texts (--limit): {_n(r.embedded)} of {_n(r.texts)} "
                      "embedded. Run `visd embed` again to continue; matching stays lexical until then.")
        elif event == "switch":
            out.write(f"All {_n(r.texts)} texts embedded ({_n(r.computed)} in {_duration(r.seconds)}"
                      + (f", {r.rate:.1f} texts/s" if r.computed else "") + "); rebuilding the index with the "
                      "dense channels...")
            self._t_switch = time.perf_counter()
        elif event == "done":
            if r.switched:
                out.write(f"The matching index has the dense channels now "
                          f"(rebuilt in {time.perf_counter() - self._t_switch:.1f} s).")
            elif r.dense:
                out.write(f"All {_n(r.texts)} texts embedded; the matching index already has the dense channels.")
            else:
                out.write("The registry grew faster than it could be embedded; run `visd embed` again.")
