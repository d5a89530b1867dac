"""The embedding job (``visd embed``): fill the embedding cache beside the index with the configured
dense encoder, a batch at a time, then switch the index to the dense channels.

A dense model embeds a few dozen texts a second on a CPU, so a first build with it would take minutes
(the demo) to hours (100,000 actors). Instead, a build embeds at most a few texts itself
(``encoders.embed_in_build()``); with more missing it builds the index lexically, which answers at once,
and waits (``state.json``: ``dense_pending``). :func:`embed` then:

* reads every unit's text from the database as the index gives it to the encoder (an actor's
  description, a project's or call's title and text, a need's; only the languages the encoder declares;
  :meth:`MatchingIndex.unit_texts`), once per distinct text;
* embeds those not in the cache yet, ``batch`` texts at a time, each batch stored and committed at once:
  an interrupted run (Ctrl-C, a kill, a reboot) loses at most one batch and the next run continues where
  it stopped; ``limit`` stops a run after that many texts;
* records its progress after each batch (``embedding.json``: the pages' notice reads it);
* when every text is embedded, rebuilds the index with the encoder (``lifecycle.build``: every text is a
  cache hit, so it takes the lexical build's time), which replaces the snapshot atomically; readers pick
  it up at their next request.

It holds the writers' lock only for that rebuild, so the hooks and ``visd tag`` keep updating the lexical
index meanwhile (the records they change are embedded by this run, or the next; a rebuild embeds the few
that appeared since). One job at a time per index directory (``.embed.lock``).
Requests never embed unit texts (see :func:`visd.matchmaking.lifecycle.read_index`).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from visd.matching.dense import EncoderUnavailable
from visd.matching.index import MatchingIndex

from . import db_records as db
from . import encoders, lifecycle

DEFAULT_BATCH = 64
SWITCH_ROUNDS = 3   # rounds of "embed what is missing, rebuild" while the registry keeps growing


class EmbedError(RuntimeError):
    """No encoder configured, or it cannot be loaded, or another embedding job is running."""


@dataclass
class EmbedResult:
    texts: int = 0          # distinct unit texts of the registry
    embedded: int = 0       # of which have an embedding now
    computed: int = 0       # embedded by this run
    seconds: float = 0.0    # spent embedding
    switched: bool = False  # the index was rebuilt with the dense channels by this run
    dense: bool = False     # the index has the dense channels now

    @property
    def complete(self) -> bool:
        return self.embedded >= self.texts

    @property
    def rate(self) -> float:
        return self.computed / self.seconds if self.seconds > 0 else 0.0


def registry_texts(encoder) -> list[str]:
    """The distinct texts of every actor, project, call and need of the registry as the index gives
    them to ``encoder`` (read only)."""
    texts = MatchingIndex().unit_texts(db.actor_records(), db.project_records(), db.opportunity_records(),
                                       languages=getattr(encoder, "languages", None))
    return list(dict.fromkeys(texts.values()))


def _dense_now(directory: Path, encoder) -> bool:
    state = lifecycle._read_state(directory)
    return bool(state) and state.get("encoder") == encoders.encoder_state(encoder) and lifecycle.exists(directory)


def _job_lock(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    f = open(directory / ".embed.lock", "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise EmbedError(f"another `visd embed` is running on {directory}") from None
    return f


def embed(directory: Path | None = None, batch: int = DEFAULT_BATCH, limit: int | None = None,
          report: Callable[[str, EmbedResult], None] | None = None) -> EmbedResult:
    """Fill the embedding cache of the index in ``directory`` (see the module docstring) and, once it
    holds every text, switch the index to the dense channels. ``report(event, result)`` is called with
    ``"start"``, ``"batch"`` (after each committed batch), ``"limit"``, ``"switch"`` (before the
    rebuild) and ``"done"``. Raises :class:`EmbedError` when no encoder is configured or it cannot be
    loaded."""
    directory = Path(directory or encoders.index_dir())
    report = report or (lambda event, result: None)
    batch = max(1, int(batch))
    config = encoders.encoder_config()
    if config is None:
        raise EmbedError("no dense encoder is configured: set VISD_MATCHING_ENCODER (and a dense weight "
                         "other than 0), see docs/matching.md, \u201cDense embeddings\u201d")
    try:
        encoders.load_encoder(config)
    except EncoderUnavailable as exc:
        raise EmbedError(str(exc)) from exc
    cache = encoders.get_encoder(directory)
    lock = _job_lock(directory)
    try:
        result = EmbedResult()
        for _round in range(SWITCH_ROUNDS):
            texts = registry_texts(cache)
            todo = cache.missing(texts)
            result.texts, result.embedded = len(texts), len(texts) - len(todo)
            encoders.write_progress(directory, cache, result.texts, result.embedded)
            report("start", result)
            for i in range(0, len(todo), batch):
                if limit is not None and result.computed >= limit:
                    break
                size = batch if limit is None else min(batch, limit - result.computed)
                part = todo[i:i + size]
                t0 = time.perf_counter()
                cache.encode(part)   # stored and committed: an interrupted run continues after it
                result.seconds += time.perf_counter() - t0
                result.computed += len(part)
                result.embedded += len(part)
                encoders.write_progress(directory, cache, result.texts, result.embedded, result.rate)
                report("batch", result)
            if not result.complete:
                report("limit", result)
                return result
            if _dense_now(directory, cache):
                result.dense = True
                encoders.clear_progress(directory)
                break
            report("switch", result)
            index = lifecycle.build(directory)   # every text a cache hit (a few new ones are embedded)
            if index.encoder is not None:
                result.switched = result.dense = True
                break
            # the registry grew meanwhile by more texts than a build embeds itself: another round
        report("done", result)
        return result
    finally:
        lock.close()
