"""The optional dense encoder of the registry's matching index: its configuration, loading and the
embedding cache beside the index.

Settings ``VISD_MATCHING_ENCODER``, ``VISD_MATCHING_ENCODER_PATH``, ``VISD_MATCHING_DENSE_WEIGHT``
(off by default): :func:`get_encoder` constructs the encoder once per process and wraps it in an
embedding cache beside the index (``embeddings.sqlite3``: a rebuild embeds only the texts that
changed). With an encoder the weights are the validated :meth:`MatchParams.dense_defaults`;
``VISD_MATCHING_DENSE_WEIGHT``, when set, overrides the dense soft maximum's weight (0 turns the dense
channels off). :func:`encoder_state` is what ``state.json`` records, so a change of encoder or model
directory rebuilds the index; a change of weight alone does not (:func:`with_weight` applies it to a
loaded index). An encoder that cannot be loaded is logged, and matching stays lexical (the system
check ``matchmaking.E001``/``E002`` reports it).

A build embeds at most :func:`embed_in_build` texts itself (``VISD_MATCHING_EMBED_IN_BUILD``, default
100): with more missing from the cache it builds the index lexically, which answers at once, and
``visd embed`` (:mod:`visd.matchmaking.embedding`) fills the cache a batch at a time and then switches
the index to the dense channels. ``embedding.json`` beside the index says how far that got
(:func:`write_progress`, :func:`read_progress`): the pages' notice reads it.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from visd.matching.dense import EmbeddingCache, EncoderUnavailable, encoder_signature
from visd.matching.index import MatchingIndex, MatchParams

log = logging.getLogger(__name__)

EMBEDDING_CACHE_FILE = "embeddings.sqlite3"  # beside the index: each unit text's embedding, by model
PROGRESS_FILE = "embedding.json"   # beside the index while it waits for its embeddings: how far they got
EMBED_IN_BUILD = 100   # default of VISD_MATCHING_EMBED_IN_BUILD
_lock = threading.RLock()
_encoders: dict[tuple, object] = {}   # (class, path) -> encoder, or the EncoderUnavailable it raised
_caches: dict[tuple, EmbeddingCache] = {}  # (class, path, index directory) -> that index's embedding cache


def index_dir() -> Path:
    """Where the registry's matching index lives: ``VISD_MATCHING_DIR``, default ``VAR_DIR/matching``."""
    return Path(getattr(settings, "VISD_MATCHING_DIR", None) or Path(settings.VAR_DIR) / "matching")


def dense_weight() -> float | None:
    """``VISD_MATCHING_DENSE_WEIGHT`` as a number, or None when it is not set (then the validated
    weight of :meth:`MatchParams.dense_defaults` applies)."""
    value = getattr(settings, "VISD_MATCHING_DENSE_WEIGHT", None)
    return None if value is None or value == "" else float(value)


def embed_in_build() -> int:
    """How many texts missing from the embedding cache a build embeds itself
    (``VISD_MATCHING_EMBED_IN_BUILD``, default 100: a few seconds of the packaged model). With more
    missing, the build is lexical and ``visd embed`` fills the cache."""
    value = getattr(settings, "VISD_MATCHING_EMBED_IN_BUILD", None)
    return EMBED_IN_BUILD if value is None or value == "" else max(0, int(value))


def encoder_config() -> dict | None:
    """The configured dense encoder, ``{"class": dotted path, "path": model directory or None}``, or
    None when the dense channel is off (no encoder class, or a weight of 0)."""
    dotted = getattr(settings, "VISD_MATCHING_ENCODER", None) or None
    weight = dense_weight()
    if not dotted or (weight is not None and weight <= 0):
        return None
    path = getattr(settings, "VISD_MATCHING_ENCODER_PATH", None) or None
    return {"class": str(dotted), "path": str(path) if path else None}


def load_encoder(config: dict):
    """Construct the encoder of ``config`` (``cls(path)``, or ``cls()`` without a path), once per
    process. Raises :class:`EncoderUnavailable` when the class cannot be imported or the encoder
    cannot be loaded (the failure is remembered too: it is not retried per request)."""
    key = (config["class"], config["path"])
    with _lock:
        if key not in _encoders:
            try:
                try:
                    cls = import_string(config["class"])
                except ImportError as exc:
                    raise EncoderUnavailable(f"cannot import the encoder class {config['class']!r}: {exc}") from exc
                try:
                    _encoders[key] = cls(config["path"]) if config["path"] else cls()
                except EncoderUnavailable:
                    raise
                except Exception as exc:
                    raise EncoderUnavailable(f"cannot load the encoder {config['class']} "
                                             f"(path {config['path']!r}): {exc}") from exc
            except EncoderUnavailable as exc:
                _encoders[key] = exc
        enc = _encoders[key]
    if isinstance(enc, EncoderUnavailable):
        raise enc
    return enc


def get_encoder(directory: Path | None = None):
    """The configured encoder behind the embedding cache of the index in ``directory`` (default:
    :func:`index_dir`), or None when the dense channel is off or the encoder cannot be loaded
    (logged; matching is then lexical). The cache (``embeddings.sqlite3``) keeps every unit text's
    embedding, so a rebuild embeds only the texts that changed."""
    config = encoder_config()
    if config is None:
        return None
    first = (config["class"], config["path"]) not in _encoders
    try:
        encoder = load_encoder(config)
    except EncoderUnavailable as exc:
        if first:  # once per process, not per request
            log.error("dense matching encoder unavailable, matching stays lexical: %s", exc)
        return None
    directory = Path(directory or index_dir())
    key = (config["class"], config["path"], str(directory))
    with _lock:
        if key not in _caches:
            _caches[key] = EmbeddingCache(encoder, directory / EMBEDDING_CACHE_FILE)
        return _caches[key]


def encoder_state(encoder) -> dict | None:
    """What ``state.json`` records of the encoder the index was built with (None: none)."""
    if encoder is None:
        return None
    config = encoder_config() or {}
    return {"class": config.get("class"), "path": config.get("path"), "signature": encoder_signature(encoder)}


def params_for(encoder) -> MatchParams:
    """Lexical defaults without an encoder; with one, the weights validated with the dense channels
    (the configured dense weight, when set, overriding theirs)."""
    if encoder is None:
        return MatchParams()
    weight = dense_weight()
    return MatchParams.dense_defaults(**({} if weight is None else {"w_dense": weight}))


def with_weight(index: MatchingIndex) -> MatchingIndex:
    """Apply the configured weights to a loaded index (a weight change needs no rebuild)."""
    for name, value in asdict(params_for(index.encoder)).items():
        if name.startswith("w_"):
            setattr(index.params, name, value)
    return index


def write_progress(directory: Path, encoder, texts: int, embedded: int, rate: float | None = None) -> None:
    """Record how many of the index's ``texts`` (distinct unit texts) have a stored embedding of
    ``encoder``: written by a build that waits for them and by ``visd embed`` after each batch
    (replaced atomically; the pages read it)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = {"encoder": encoder_state(encoder), "texts": int(texts), "embedded": int(embedded),
            "rate": None if rate is None else round(float(rate), 2),
            "at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
    tmp = directory / f"{PROGRESS_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(directory / PROGRESS_FILE)


def read_progress(directory: Path) -> dict | None:
    """What :func:`write_progress` last wrote, or None."""
    try:
        data = json.loads((Path(directory) / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def clear_progress(directory: Path) -> None:
    """Remove the progress file (the index has its embeddings, or no encoder is configured)."""
    try:
        (Path(directory) / PROGRESS_FILE).unlink()
    except FileNotFoundError:
        pass


def forget_encoders() -> None:
    """Drop the encoders and close their caches (tests; after the files were removed)."""
    with _lock:
        _encoders.clear()
        for cache in _caches.values():
            cache.close()
        _caches.clear()
