"""Per-actor aggregation arrays of a :class:`~visd.matching.index.MatchingIndex`, maintained
incrementally.

The searches and the strength map aggregate unit (row) scores per actor. They need, per actor, its
description row, its memberships (actor -> project rows), its filter attributes, its defence flag
and its actor x concept strengths; the whole-profile channel also needs an actor x term matrix.

:class:`ActorTable` keeps these arrays between changes:

* **Slots.** Every actor has a slot, every project a project slot, in the order of
  ``index.actors`` / ``index.projects`` (a new record is appended; an updated one keeps its slot; a
  removed one leaves a *tombstone*: ``ids[slot] is None``, no description row, no memberships, no
  attributes, ``alive[slot] = False``). Per-slot arrays grow by doubling their capacity.
* **Changes are buffered.** ``touch_actor``/``touch_project``/``forget`` only note the slot (O(1));
  the index calls them on every upsert, removal and curated-tag change. The next query calls
  :meth:`arrays`, which applies the buffered changes: it re-reads only the touched records, drops the
  memberships of the touched projects (one ``isin`` over the membership arrays), inserts their new
  memberships at their sorted place (``searchsorted`` + ``insert``), recomputes the concept rows of
  the actors concerned, and recomputes the cheap derived vectors (``m_row``, ``m_year``,
  ``nproj``, ``ncoord``, ``defence``, ``starts``) with numpy. Cost: the size of the change plus a
  few O(actors + memberships) vector operations; no Python loop over all actors or projects.
* **Full rebuilds** happen on the first use, after a bulk load (when the buffered changes exceed a
  quarter of the table) and when tombstones exceed a tenth of the slots, at least 1,000
  (amortised compaction).
* **Row numbers.** :meth:`remap_rows` follows the index's compaction (dead rows dropped, rows
  renumbered) with one vectorised lookup.
* **Whole profile** (``MatchParams.w_profile``): a column-major matrix per actor of the sum of its
  units' L2-normalised ``log(1 + tf)`` vectors (the centroid of its texts, without idf), built on
  first use, plus an *override* of replacement rows for the actors
  changed since (and a mask of the stale main rows). idf weighting and the row norms are applied at
  query time, so the scores equal those of a matrix built from scratch even though idf moves with
  every change. The row norms are recomputed once per change: one sparse mat-vec when the number of
  rows changed (every idf moved), otherwise only the columns of the terms whose idf moved. The
  override is merged into a new main matrix when it exceeds ``2 %`` of the actors.

The mapping returned by :meth:`arrays` (what ``MatchingIndex.actor_arrays()`` returns) has the keys
``ids, index, desc_row, m_actor, m_row, m_coord, m_proj, m_year, proj_ids, starts, nproj, ncoord,
defence, attrs, concepts, concept_index`` and ``alive``; memberships are sorted by (actor slot,
project slot). ``ids``/``proj_ids`` hold ``None`` for tombstones and ``index`` maps the live ids only.
A new mapping is returned after every change of the index, so values memoised in it (``_wm``, or
``profile``, the explicit normalised actor x term matrix built on first access) never go stale.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp

ATTRS = ("country", "region", "kind", "size")


class ActorArrays(dict):
    """The per-actor arrays (a plain dict) plus ``profile``, built from the table on first access."""

    def __init__(self, table: "ActorTable", *args, **kw):
        super().__init__(*args, **kw)
        self._table = table

    def __missing__(self, key):
        if key == "profile":
            value = self._table.profile_matrix()
            self[key] = value
            return value
        raise KeyError(key)


def _grow(arr: np.ndarray, n: int, fill) -> np.ndarray:
    """``arr`` with room for at least ``n`` entries (capacity doubles; new entries = ``fill``)."""
    if len(arr) >= n:
        return arr
    cap = max(16, len(arr))
    while cap < n:
        cap *= 2
    out = np.empty(cap, dtype=arr.dtype)
    out[:len(arr)] = arr
    out[len(arr):] = fill
    return out


def _replace_rows(m: sp.csr_matrix, n_rows: int, rows: np.ndarray, dense: np.ndarray) -> sp.csr_matrix:
    """CSR ``m`` grown to ``n_rows`` rows, with the (sorted, unique) ``rows`` replaced by the rows
    of ``dense``. Copies the untouched rows in a few slices."""
    old_n = m.shape[0]
    counts = np.zeros(n_rows, dtype=np.int64)
    counts[:old_n] = np.diff(m.indptr)
    parts_i, parts_d = [], []
    prev = 0
    for k, r in enumerate(rows.tolist()):
        stop = min(r, old_n)
        if stop > prev:
            parts_i.append(m.indices[m.indptr[prev]:m.indptr[stop]])
            parts_d.append(m.data[m.indptr[prev]:m.indptr[stop]])
        nz = np.flatnonzero(dense[k])
        parts_i.append(nz.astype(m.indices.dtype))
        parts_d.append(dense[k, nz].astype(m.data.dtype))
        counts[r] = len(nz)
        prev = max(prev, r + 1)
    if prev < old_n:
        parts_i.append(m.indices[m.indptr[prev]:])
        parts_d.append(m.data[m.indptr[prev]:])
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.concatenate(parts_i + [np.zeros(0, m.indices.dtype)])
    data = np.concatenate(parts_d + [np.zeros(0, m.data.dtype)])
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, m.shape[1]))


class ActorTable:
    """The per-actor arrays of ``index``, kept up to date incrementally (see the module docstring)."""

    full_rebuild_ratio = 0.25     # buffered changes above this share of the table: rebuild
    tombstone_ratio = 0.1         # tombstones above this share of the slots: rebuild (compaction)
    min_tombstones = 1000
    profile_override_ratio = 0.02 # override rows above this share of the actors: new main matrix
    min_profile_override = 256

    def __init__(self, index):
        self.ix = index
        self.full_builds = 0       # for tests and stats
        self.incremental_syncs = 0
        self.profile_builds = 0
        self._reset()

    # ------------------------------------------------------------------ change notes (O(1))
    def _reset(self) -> None:
        self.ids: list = []              # actor slot -> id (None: tombstone)
        self.slot_of: dict = {}          # live actor id -> slot
        self.proj_ids: list = []         # project slot -> id (None: tombstone)
        self.pslot_of: dict = {}
        self._built = False
        self._touched_a: dict = {}       # ordered set of actor slots to re-read
        self._touched_p: dict = {}
        self._dead_a: list = []          # tombstoned since the last sync
        self._dead_p: list = []
        self._n_dead = 0                 # tombstones (actors and projects) since the last full build
        self._base = None
        self._prof = None

    def touch_actor(self, aid: str) -> None:
        """An actor was added or changed (record, description row or its tags)."""
        if not self._built:
            return
        s = self.slot_of.get(aid)
        if s is None:
            s = self.slot_of[aid] = len(self.ids)
            self.ids.append(aid)
        self._touched_a[s] = None
        self._base = None

    def touch_project(self, pid: str) -> None:
        """A project was added or changed (record, participants, row or its tags)."""
        if not self._built:
            return
        s = self.pslot_of.get(pid)
        if s is None:
            s = self.pslot_of[pid] = len(self.proj_ids)
            self.proj_ids.append(pid)
        self._touched_p[s] = None
        self._base = None

    def forget(self, kind: str, rid: str) -> None:
        """An actor or project was removed: its slot becomes a tombstone."""
        if not self._built:
            return
        if kind == "actor":
            s = self.slot_of.pop(rid, None)
            if s is not None:
                self.ids[s] = None
                self._touched_a.pop(s, None)
                self._dead_a.append(s)
                self._n_dead += 1
        elif kind == "project":
            s = self.pslot_of.pop(rid, None)
            if s is not None:
                self.proj_ids[s] = None
                self._touched_p.pop(s, None)
                self._dead_p.append(s)
                self._n_dead += 1
        self._base = None

    def remap_rows(self, new_of_old: np.ndarray) -> None:
        """The index compacted its rows: row ``r`` is now ``new_of_old[r]`` (-1 if dropped)."""
        if not self._built:
            return
        for arr, n in ((self.desc_row, len(self.ids)), (self.p_row, len(self.proj_ids))):
            v = arr[:n]
            ok = v >= 0
            v[ok] = new_of_old[v[ok]]
        self._base = None

    def invalidate(self) -> None:
        """Drop everything; the next :meth:`arrays` rebuilds from scratch."""
        self._reset()

    # ------------------------------------------------------------------ the arrays
    def arrays(self) -> ActorArrays:
        """The current arrays (applying the buffered changes), as a fresh mapping."""
        if self._base is None:
            n_changes = len(self._touched_a) + len(self._touched_p) + len(self._dead_a) + len(self._dead_p)
            if (not self._built
                    or n_changes > self.full_rebuild_ratio * (len(self.ids) + len(self.proj_ids))
                    or self._n_dead > max(self.min_tombstones,
                                          self.tombstone_ratio * (len(self.ids) + len(self.proj_ids)))):
                self._full_build()
            else:
                self._sync()
        return ActorArrays(self, self._base)

    def _publish(self, m_actor, m_proj, m_coord) -> None:
        """Derive the cheap vectors from the memberships and per-slot arrays (numpy only)."""
        n, n_p = len(self.ids), len(self.proj_ids)
        p_year = self.p_year[:n_p]
        alive_p = self.p_row[:n_p] >= 0
        years = p_year.copy()
        pos_years = [y for y, k in self._years.items() if k > 0]
        if pos_years:
            years[(years == 0) & alive_p] = min(pos_years)
        m_year = years[m_proj] if len(m_proj) else np.zeros(0)
        m_row = self.p_row[m_proj] if len(m_proj) else np.zeros(0, dtype=np.int64)
        nproj = np.bincount(m_actor, minlength=n).astype(np.float64)
        ncoord = np.bincount(m_actor, weights=m_coord.astype(np.float64), minlength=n)
        starts = np.searchsorted(m_actor, np.arange(n))
        defence = self.declared[:n].copy()
        if len(m_actor):
            defence |= np.bincount(m_actor, weights=self.p_def[m_proj].astype(np.float64), minlength=n) > 0
        self.m_actor, self.m_proj, self.m_coord = m_actor, m_proj, m_coord
        self._base = dict(ids=list(self.ids), index=self.slot_of, desc_row=self.desc_row[:n],
                          m_actor=m_actor, m_row=m_row, m_coord=m_coord, m_proj=m_proj, m_year=m_year,
                          m_def=(self.p_def[m_proj].astype(np.float64) if len(m_proj) else np.zeros(0)),
                          proj_ids=list(self.proj_ids), starts=starts, nproj=nproj, ncoord=ncoord,
                          defence=defence, attrs={k: v[:n] for k, v in self.attrs.items()},
                          concepts=self.concepts, concept_index=self.ix.concept_columns,
                          alive=self.alive[:n])
        self._touched_a, self._touched_p, self._dead_a, self._dead_p = {}, {}, [], []

    def _full_build(self) -> None:
        ix = self.ix
        self._reset()
        self._built = True
        self.full_builds += 1
        self.ids = list(ix.actors)
        self.slot_of = {a: i for i, a in enumerate(self.ids)}
        self.proj_ids = list(ix.projects)
        self.pslot_of = {p: i for i, p in enumerate(self.proj_ids)}
        n, n_p = len(self.ids), len(self.proj_ids)
        row_of = ix.row_of
        self.desc_row = _grow(np.array([row_of("a:" + a) for a in self.ids], dtype=np.int64), n, -1)
        self.declared = _grow(np.array([bool(ix.actors[a].defence) for a in self.ids], dtype=bool), n, False)
        self.alive = _grow(np.ones(n, dtype=bool), n, False)
        self.attrs = {name: _grow(np.array([getattr(ix.actors[a], name) or "" for a in self.ids], dtype=object),
                                  n, "")
                      for name in ATTRS}
        projects = [ix.projects[p] for p in self.proj_ids]
        self.p_year = _grow(np.array([p.year or 0 for p in projects], dtype=np.float64), n_p, 0.0)
        self.p_def = _grow(np.array([bool(p.defence) for p in projects], dtype=bool), n_p, False)
        self.p_row = _grow(np.array([row_of("p:" + p) for p in self.proj_ids], dtype=np.int64), n_p, -1)
        self._years = Counter(int(p.year) for p in projects if p.year)
        m_actor, m_proj, m_coord = [], [], []
        index = self.slot_of
        for j, p in enumerate(projects):
            for aid, role in p.participants:
                ai = index.get(aid)
                if ai is None:
                    continue
                m_actor.append(ai)
                m_proj.append(j)
                m_coord.append(role == "coordinator")
        m_actor = np.asarray(m_actor, dtype=np.int64)
        m_proj = np.asarray(m_proj, dtype=np.int64)
        m_coord = np.asarray(m_coord, dtype=bool)
        order = np.argsort(m_actor * max(n_p, 1) + m_proj, kind="stable")
        m_actor, m_proj, m_coord = m_actor[order], m_proj[order], m_coord[order]
        # actor x concept strength: max effective confidence over the actor's units (vectorised)
        n_c = len(ix.concepts)
        rc = ix.rows_concepts()
        rc_lens = np.fromiter((len(x[0]) for x in rc), dtype=np.int64, count=len(rc))
        rc_ptr = np.zeros(len(rc_lens) + 1, dtype=np.int64)
        np.cumsum(rc_lens, out=rc_ptr[1:])
        rc_col = np.concatenate([x[0] for x in rc] + [np.zeros(0, np.int64)])
        rc_val = np.concatenate([x[1] for x in rc] + [np.zeros(0)])
        desc_row = self.desc_row[:n]
        has = desc_row >= 0
        m_row = self.p_row[m_proj]
        pair_actor = np.concatenate([np.flatnonzero(has), m_actor]).astype(np.int64)
        pair_row = np.concatenate([desc_row[has], m_row]).astype(np.int64)
        starts_rc, lens_rc = rc_ptr[pair_row], rc_lens[pair_row]
        total_len = int(lens_rc.sum())
        dense = np.zeros(n * n_c)
        if total_len:
            offs = np.repeat(starts_rc - np.concatenate([[0], np.cumsum(lens_rc)[:-1]]), lens_rc)
            gather = np.arange(total_len) + offs
            flat = np.repeat(pair_actor, lens_rc) * n_c + rc_col[gather]
            np.maximum.at(dense, flat, rc_val[gather])
        dense = dense.reshape(n, n_c)
        rows, cols = np.nonzero(dense)
        self.concepts = sp.csr_matrix((dense[rows, cols], (rows, cols)), shape=(n, n_c), dtype=np.float64)
        self._publish(m_actor, m_proj, m_coord)

    def _sync(self) -> None:
        """Apply the buffered changes (see the module docstring)."""
        ix = self.ix
        self.incremental_syncs += 1
        n, n_p = len(self.ids), len(self.proj_ids)
        self.desc_row = _grow(self.desc_row, n, -1)
        self.declared = _grow(self.declared, n, False)
        self.alive = _grow(self.alive, n, False)
        self.attrs = {k: _grow(v, n, "") for k, v in self.attrs.items()}
        self.p_year = _grow(self.p_year, n_p, 0.0)
        self.p_def = _grow(self.p_def, n_p, False)
        self.p_row = _grow(self.p_row, n_p, -1)
        n_before = self.concepts.shape[0]
        # projects
        for s in self._dead_p:
            self._set_year(s, 0)
            self.p_row[s] = -1
            self.p_def[s] = False
        for s in self._touched_p:
            p = ix.projects[self.proj_ids[s]]
            self._set_year(s, int(p.year or 0))
            self.p_def[s] = bool(p.defence)
            self.p_row[s] = ix.row_of("p:" + p.id)
        # actors
        for s in self._dead_a:
            self.desc_row[s] = -1
            self.declared[s] = False
            self.alive[s] = False
            for v in self.attrs.values():
                v[s] = ""
        for s in self._touched_a:
            a = ix.actors[self.ids[s]]
            self.desc_row[s] = ix.row_of("a:" + a.id)
            self.declared[s] = bool(a.defence)
            self.alive[s] = True
            for name, v in self.attrs.items():
                v[s] = getattr(a, name) or ""
        # memberships: drop those of the affected projects and of removed actors, insert the new ones
        affected = set(self._touched_p) | set(self._dead_p)
        for s in self._touched_a:
            if s >= n_before:  # a new actor: the projects that already list it
                for pid in ix.actor_project_ids(self.ids[s]):
                    ps = self.pslot_of.get(pid)
                    if ps is not None:
                        affected.add(ps)
        m_actor, m_proj, m_coord = self.m_actor, self.m_proj, self.m_coord
        changed = set(self._touched_a) | set(self._dead_a)
        drop = np.zeros(len(m_actor), dtype=bool)
        if affected:
            drop |= np.isin(m_proj, np.fromiter(affected, dtype=np.int64, count=len(affected)))
        if self._dead_a:
            drop |= np.isin(m_actor, np.asarray(self._dead_a, dtype=np.int64))
        if drop.any():
            changed.update(np.unique(m_actor[drop]).tolist())
            keep = ~drop
            m_actor, m_proj, m_coord = m_actor[keep], m_proj[keep], m_coord[keep]
        na, npj, nc = [], [], []
        for ps in sorted(affected):
            pid = self.proj_ids[ps]
            if pid is None:
                continue
            for aid, role in ix.projects[pid].participants:
                s = self.slot_of.get(aid)
                if s is not None:
                    na.append(s)
                    npj.append(ps)
                    nc.append(role == "coordinator")
        if na:
            changed.update(na)
            na = np.asarray(na, dtype=np.int64)
            npj = np.asarray(npj, dtype=np.int64)
            nc = np.asarray(nc, dtype=bool)
            k = max(n_p, 1)
            new_key = na * k + npj
            order = np.argsort(new_key, kind="stable")
            at = np.searchsorted(m_actor * k + m_proj, new_key[order])
            m_actor = np.insert(m_actor, at, na[order])
            m_proj = np.insert(m_proj, at, npj[order])
            m_coord = np.insert(m_coord, at, nc[order])
        self._publish(m_actor, m_proj, m_coord)
        # concept rows of the actors concerned (and room for the new slots)
        rows = np.array(sorted(changed), dtype=np.int64)
        self.concepts = _replace_rows(self.concepts, n, rows, self._concept_rows(rows))
        self._base["concepts"] = self.concepts
        if self._prof is not None:
            self._prof.stale_slots.update(changed)

    def _set_year(self, ps: int, year: int) -> None:
        old = int(self.p_year[ps])
        if old:
            self._years[old] -= 1
            if self._years[old] <= 0:
                del self._years[old]
        if year:
            self._years[year] += 1
        self.p_year[ps] = year

    def _units(self, s: int) -> list[int]:
        """The rows of actor slot ``s``: its description and its past projects (published arrays)."""
        b = self._base
        lo = b["starts"][s]
        hi = b["starts"][s + 1] if s + 1 < len(b["starts"]) else len(b["m_actor"])
        rows = b["m_row"][lo:hi].tolist()
        d = int(b["desc_row"][s])
        return ([d] if d >= 0 else []) + rows

    def _concept_rows(self, slots: np.ndarray) -> np.ndarray:
        n_c = len(self.ix.concepts)
        out = np.zeros((len(slots), n_c))
        rc = self.ix.rows_concepts()
        for k, s in enumerate(slots.tolist()):
            if not self.alive[s]:
                continue
            for r in self._units(s):
                cols, vals = rc[r]
                if len(cols):
                    np.maximum.at(out[k], cols, vals)
        return out

    # ------------------------------------------------------------------ whole profile
    def _ensure(self) -> None:
        if self._base is None:
            self.arrays()

    def profile_scores(self, q_ids: np.ndarray, qw: np.ndarray) -> np.ndarray:
        """Per actor slot: ``prof[:, q_ids] @ qw`` for the idf-weighted, L2-normalised whole-profile
        matrix ``prof`` (the oracle built from scratch: ``reference_profile_matrix`` in
        tests/test_matching_index.py)."""
        self._ensure()
        return self._profile().scores(np.asarray(q_ids, dtype=np.int64), np.asarray(qw, dtype=np.float64))

    def profile_matrix(self) -> sp.csc_matrix:
        """The explicit normalised actor x term matrix (CSC), assembled from the maintained parts."""
        self._ensure()
        return self._profile().matrix()

    def _profile(self) -> "_Profile":
        if self._prof is None or len(self._prof.stale_slots) + len(self._prof.over_rows) > max(
                self.min_profile_override, self.profile_override_ratio * len(self.ids)):
            self._prof = _Profile(self)
            self.profile_builds += 1
        else:
            self._prof.update()
        return self._prof

    def profile_rows(self, slots) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(term ids, sum of the units' profile vectors)`` (no idf) of the given actor slots."""
        row_terms, row_tf = self.ix.rows_terms()
        out = []
        for s in slots:
            if s >= len(self.ids) or not self.alive[s]:
                out.append((np.zeros(0, np.int64), np.zeros(0, np.float32)))
                continue
            units = self._units(s)
            if not units:
                out.append((np.zeros(0, np.int64), np.zeros(0, np.float32)))
                continue
            t = np.concatenate([row_terms[r] for r in units]).astype(np.int64)
            v = np.concatenate([unit_profile_vector(row_tf[r]) for r in units]).astype(np.float32)
            ids, inv = np.unique(t, return_inverse=True)
            sums = np.zeros(len(ids), dtype=np.float32)
            np.add.at(sums, inv, v)
            out.append((ids, sums))
        return out


def unit_profile_vector(tf: np.ndarray) -> np.ndarray:
    """A unit's share of its actor's whole profile: ``log(1 + tf)``, L2-normalised (no idf). Each
    description or past project thus weighs the same in the profile, however long its text: the
    profile is the centroid of the actor's texts, not their concatenation (measured better on the
    validation tasks of benchmarks/partner_recall.py; see docs/matching.md)."""
    v = np.log1p(np.asarray(tf, dtype=np.float64))
    norm = np.sqrt((v * v).sum())
    return v / norm if norm > 0 else v


class _Profile:
    """Whole-profile parts: ``main`` (CSC sums of the units' profile vectors without idf, slots ``[0, n_main)``,
    built at once), ``over`` (CSC replacement rows for the slots changed since, and the new ones)
    and ``stale`` (the main rows that ``over`` replaces)."""

    def __init__(self, table: ActorTable):
        self.t = table
        ix = table.ix
        b = table._base
        n, n_rows, n_cols = len(b["ids"]), ix.n_rows, ix.n_terms
        if n and n_rows:
            row_terms, row_tf = ix.rows_terms()
            lens = np.fromiter((len(t) for t in row_terms), dtype=np.int64, count=n_rows)
            indptr = np.zeros(n_rows + 1, dtype=np.int64)
            np.cumsum(lens, out=indptr[1:])
            tf = sp.csr_matrix((np.concatenate([unit_profile_vector(v) for v in row_tf]).astype(np.float32),
                                np.concatenate(row_terms), indptr), shape=(n_rows, n_cols), dtype=np.float32)
            desc_row, m_actor, m_row = b["desc_row"], b["m_actor"], b["m_row"]
            has = desc_row >= 0
            a_idx = np.concatenate([np.flatnonzero(has), m_actor])
            r_idx = np.concatenate([desc_row[has], m_row])
            member = sp.csr_matrix((np.ones(len(a_idx), dtype=np.float32), (a_idx, r_idx)), shape=(n, n_rows))
            self.main = (member @ tf).tocsc()
        else:
            self.main = sp.csc_matrix((n, n_cols), dtype=np.float32)
        self.main_sq = sp.csc_matrix((self.main.data.astype(np.float64) ** 2, self.main.indices, self.main.indptr),
                                     shape=self.main.shape)
        self.n_main = n
        self._idf2_main = None            # the idf^2 that _sq_main (main rows' squared norms) uses
        self._sq_main = None
        self.stale = np.zeros(n, dtype=bool)
        self.stale_slots: set = set()     # slots changed since the last update() (ActorTable._sync adds)
        self.over_rows: dict = {}         # slot -> (term ids, log tf)
        self._build_over()

    def update(self) -> None:
        """Recompute the replacement rows of the slots changed since the last call."""
        if not self.stale_slots:
            return
        slots = sorted(self.stale_slots)
        for s, row in zip(slots, self.t.profile_rows(slots), strict=True):
            self.over_rows[s] = row
            if s < self.n_main:
                self.stale[s] = True
        self.stale_slots = set()
        self._build_over()

    def _build_over(self) -> None:
        n_cols = self.t.ix.n_terms
        slots = sorted(self.over_rows)
        rows = [self.over_rows[s] for s in slots]
        lens = np.fromiter((len(r[0]) for r in rows), dtype=np.int64, count=len(rows))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        indices = np.concatenate([r[0] for r in rows] + [np.zeros(0, np.int64)])
        data = np.concatenate([r[1] for r in rows] + [np.zeros(0, np.float32)]).astype(np.float32)
        self.over_slots = np.asarray(slots, dtype=np.int64)
        self.over = sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols)).tocsc()
        self.over_sq = sp.csc_matrix((self.over.data.astype(np.float64) ** 2, self.over.indices,
                                      self.over.indptr), shape=self.over.shape)
        self._norm_key = None

    def _idf(self) -> np.ndarray:
        return self.t.ix.idf().astype(np.float32).astype(np.float64)

    def _norms(self, idf: np.ndarray) -> np.ndarray:
        """Row norms of the idf-weighted profile for the current idf, once per change of the index
        (idf moves with every change). The main rows' squared norms are kept for the idf they were
        computed with: when only some terms' document frequencies moved (a record replaced, the
        number of rows unchanged) only those columns are re-read; otherwise one sparse mat-vec."""
        key = self.t.ix.row_generation
        if self._norm_key != key:
            n = len(self.t.ids)
            idf2 = idf ** 2
            m = self.main.shape[1]
            moved = None if self._idf2_main is None else np.flatnonzero(idf2[:m] != self._idf2_main)
            if moved is None or len(moved) > 0.05 * m:
                self._sq_main = self.main_sq @ idf2[:m]
            elif len(moved):
                self._sq_main += self.main_sq[:, moved] @ (idf2[moved] - self._idf2_main[moved])
            self._idf2_main = idf2[:m].copy()
            sq = np.zeros(n)
            sq[:self.n_main] = self._sq_main
            sq[:self.n_main][self.stale] = 0.0
            if len(self.over_slots):
                sq[self.over_slots] = self.over_sq @ idf2[:self.over.shape[1]]
            self._norm_cache = np.sqrt(sq)
            self._norm_key = key
        return self._norm_cache

    def scores(self, q_ids: np.ndarray, qw: np.ndarray) -> np.ndarray:
        n = len(self.t.ids)
        out = np.zeros(n)
        if n == 0 or len(q_ids) == 0:
            return out
        idf = self._idf()
        norms = self._norms(idf)
        w = idf[q_ids] * qw
        sel = q_ids < self.main.shape[1]
        if self.n_main and sel.any():
            out[:self.n_main] = self.main[:, q_ids[sel]] @ w[sel]
            out[:self.n_main][self.stale] = 0.0
        if len(self.over_slots):
            sel = q_ids < self.over.shape[1]
            out[self.over_slots] = self.over[:, q_ids[sel]] @ w[sel]
        pos = norms > 0
        out[pos] /= norms[pos]
        out[~pos] = 0.0
        return out

    def matrix(self) -> sp.csc_matrix:
        """The explicit idf-weighted, row-normalised matrix (for callers of ``c['profile']``)."""
        n, n_cols = len(self.t.ids), self.t.ix.n_terms
        idf = self._idf()
        norms = self._norms(idf)
        main = self.main.tocsr()
        main = sp.csr_matrix((main.data, main.indices, main.indptr), shape=(self.n_main, n_cols))
        main = sp.diags((~self.stale).astype(np.float32)) @ main
        m = sp.vstack([main, sp.csr_matrix((n - self.n_main, n_cols), dtype=np.float32)], format="csr")
        if len(self.over_slots):
            over = self.over.tocsr()
            over = sp.csr_matrix((over.data, over.indices, over.indptr), shape=(len(self.over_slots), n_cols))
            place = sp.csr_matrix((np.ones(len(self.over_slots), dtype=np.float32),
                                   (self.over_slots, np.arange(len(self.over_slots)))),
                                  shape=(n, len(self.over_slots)))
            m = m + place @ over
        inv = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-300), 0.0)
        m = sp.diags(inv) @ m.astype(np.float64) @ sp.diags(idf)
        return m.astype(np.float32).tocsc()
