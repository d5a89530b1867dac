"""Persistence of a :class:`~visd.matching.index.MatchingIndex`: the snapshot format and its journal.

A snapshot is a directory:

* ``index.json`` -- parameters, concepts, the term vocabulary, row keys, tags and the records
  themselves (``format``/``version`` identify it; :data:`FORMAT`, :data:`VERSION`);
* ``rows.npz`` -- the rows' term frequencies as one CSR matrix (``indptr``, ``indices``, ``tf``),
  their lengths (``dl``) and, when the index has an encoder, the unit embeddings (``emb_rows``,
  ``emb``), in one file so that rows and embeddings are replaced together;
* ``journal.jsonl`` -- one JSON operation per line (upsert, remove, curate, uncurate) recorded
  since the snapshot; :func:`load` replays it, so a change costs one appended line, not a snapshot.

The files are written to temporary names and renamed, so a reader sees either the old or the new
snapshot, never half of one; ``index.json`` is renamed last, which is why readers can use its
modification time to notice a new snapshot (and the journal's size to notice appended changes).

This module is the index's own storage format, so it reads and writes the index's internal
arrays; nothing outside ``visd.matching`` should. ``MatchingIndex.save``/``flush``/``load`` delegate
here and remain the entry points callers use.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .analysis import Analyzer
from .dense import encoder_signature
from .records import Actor, Opportunity, Project
from .tagging import Tag

if TYPE_CHECKING:
    from .index import MatchingIndex

FORMAT = "visd-matching-index"
VERSION = 1
SNAPSHOT_FILE = "index.json"
ROWS_FILE = "rows.npz"
JOURNAL_FILE = "journal.jsonl"


def save(index: "MatchingIndex", directory: str | os.PathLike) -> None:
    """Write a full snapshot of ``index`` to ``directory`` (created if needed) and empty the journal."""
    index.compact()
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    n = len(index._row_key)
    indptr = np.zeros(n + 1, dtype=np.int64)
    if n:
        np.cumsum([len(t) for t in index._row_terms], out=indptr[1:])
    arrays = {
        "indptr": indptr,
        "indices": np.concatenate(index._row_terms).astype(np.int64) if n else np.zeros(0, np.int64),
        "tf": np.concatenate(index._row_tf).astype(np.float32) if n else np.zeros(0, np.float32),
        "dl": np.asarray(index._dl, dtype=np.float32),
    }
    if index._row_emb:  # the unit embeddings, with the rows (one file, replaced at once)
        rows, mat = index._emb_matrix()
        arrays["emb_rows"] = rows
        arrays["emb"] = mat.astype(np.float32)
    tmp = d / "rows.tmp.npz"
    np.savez(tmp, **arrays)
    state = {
        "format": FORMAT, "version": VERSION,
        "params": asdict(index.params),
        "encoder": encoder_signature(index.encoder),  # whose embeddings rows.npz holds (None: none)
        "concepts": [{"id": c.id, "scheme": c.scheme, "labels": dict(c.labels),
                      "synonyms": {k: list(v) for k, v in c.synonyms.items()}} for c in index.concepts],
        "terms": index._terms, "surfaces": index._surface, "row_keys": index._row_key,
        "lang": index._lang,
        "derived": {k: [t.to_dict() for t in v] for k, v in index._derived.items()},
        "curated": {k: [t.to_dict() for t in v] for k, v in index._curated.items() if v},
        "actors": [a.to_dict() for a in index.actors.values()],
        "projects": [p.to_dict() for p in index.projects.values()],
        "opportunities": [o.to_dict() for o in index.opportunities.values()],
    }
    with open(d / "index.tmp.json", "w", encoding="utf-8") as f:
        json.dump(state, f, ensure_ascii=False)
    os.replace(tmp, d / ROWS_FILE)
    os.replace(d / "index.tmp.json", d / SNAPSHOT_FILE)  # last: readers watch its mtime
    (d / JOURNAL_FILE).write_text("", encoding="utf-8")
    index._journal = []
    index._directory = d


def flush(index: "MatchingIndex", directory: str | os.PathLike | None = None) -> int:
    """Append the changes of ``index`` since the last save/flush to the journal; returns how many.
    Without a snapshot in the directory yet, writes one instead (and returns 0)."""
    d = Path(directory) if directory else getattr(index, "_directory", None)
    if d is None:
        raise ValueError("no directory: save() first or pass one")
    if not (d / SNAPSHOT_FILE).exists():
        save(index, d)
        return 0
    n = len(index._journal)
    if n:
        with open(d / JOURNAL_FILE, "a", encoding="utf-8") as f:
            for op in index._journal:
                f.write(json.dumps(op, ensure_ascii=False) + "\n")
    index._journal = []
    index._directory = d
    return n


def load(cls: type["MatchingIndex"], directory: str | os.PathLike, analyzer: Analyzer | None = None,
         encoder=None) -> "MatchingIndex":
    """Read the snapshot in ``directory`` into a new ``cls`` and replay its journal."""
    from .index import MatchParams  # (index imports this module lazily too: no import cycle)

    d = Path(directory)
    with open(d / SNAPSHOT_FILE, encoding="utf-8") as f:
        state = json.load(f)
    if state.get("format") != FORMAT or state.get("version") != VERSION:
        raise ValueError(f"{d} is not a {FORMAT} v{VERSION} directory")
    stored, given = state.get("encoder"), encoder_signature(encoder)
    if encoder is not None and stored != given:
        held = f"embeddings of encoder {stored!r}" if stored else "no embeddings (built without an encoder)"
        raise ValueError(f"{d} holds {held}, not of {given!r}: rebuild it (fit) with this encoder")
    idx = cls(state["concepts"], MatchParams(**state["params"]), analyzer, encoder)
    arrays = np.load(d / ROWS_FILE)
    idx._terms = state["terms"]
    idx._surface = state["surfaces"]
    idx._vocab = {t: i for i, t in enumerate(idx._terms)}
    idx._df = np.zeros(max(1024, 2 * len(idx._terms)), dtype=np.int64)
    indptr, indices, tf = arrays["indptr"], arrays["indices"], arrays["tf"]
    idx._row_key = list(state["row_keys"])
    idx._row_terms = [indices[indptr[r]:indptr[r + 1]].copy() for r in range(len(idx._row_key))]
    idx._row_tf = [tf[indptr[r]:indptr[r + 1]].copy() for r in range(len(idx._row_key))]
    idx._dl = arrays["dl"].astype(float).tolist()
    idx._alive = [True] * len(idx._row_key)
    idx._key_row = {k: i for i, k in enumerate(idx._row_key)}
    if len(indices):
        np.add.at(idx._df, indices, 1)
    if encoder is not None and "emb" in arrays:  # (without an encoder they would be of no use)
        idx._row_emb = {int(r): v for r, v in zip(arrays["emb_rows"].tolist(), arrays["emb"], strict=True)}
        idx._emb_gen += 1
    idx._lang = state["lang"]
    idx._derived = {k: [Tag.from_dict(t) for t in v] for k, v in state["derived"].items()}
    idx._curated = {k: [Tag.from_dict(t) for t in v] for k, v in state["curated"].items()}
    idx._row_concepts = [idx._row_concept_arrays(k) for k in idx._row_key]
    idx.actors = {a["id"]: Actor.coerce(a) for a in state["actors"]}
    idx.projects = {p["id"]: Project.coerce(p) for p in state["projects"]}
    idx.opportunities = {o["id"]: Opportunity.coerce(o) for o in state["opportunities"]}
    idx._actor_projects = {a: set() for a in idx.actors}
    for pid, p in idx.projects.items():
        for aid, _ in p.participants:
            idx._actor_projects.setdefault(aid, set()).add(pid)
    idx.compact()
    idx._directory = d
    journal = d / JOURNAL_FILE
    if journal.exists():
        idx._journaling = False  # replaying must not record the same operations again
        try:
            for line in journal.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    apply_op(idx, json.loads(line))
        finally:
            idx._journaling = True
    return idx


def apply_op(index: "MatchingIndex", op: dict) -> None:
    """Apply one journal operation to ``index`` through its public update methods."""
    from .index import _KIND_PREFIX

    kind = op.get("kind")
    if op["op"] == "upsert":
        {"actor": index.upsert_actor, "project": index.upsert_project,
         "opportunity": index.upsert_opportunity}[kind](op["record"])
    elif op["op"] == "remove":
        index.remove(kind, op["id"])
    elif op["op"] in ("curate", "uncurate"):
        key = op["key"]
        kind = {v: k for k, v in _KIND_PREFIX.items()}[key[:2]]
        if op["op"] == "curate":
            t = Tag.from_dict(op["tag"])
            index.set_curated_tag(kind, key[2:], t.concept_id, t.confidence, t.rejected,
                                  t.evidence[0] if t.evidence else "")
        else:
            index.clear_curated_tag(kind, key[2:], op["concept_id"])
    else:
        raise ValueError(f"unknown journal op {op!r}")
