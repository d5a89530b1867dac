"""The strength map: for each focus domain, each capability need and each open call, how many
(Flemish) actors can address it and how strong they are, by VISD's three selection criteria
(VISD 3.2, "Vlaamse sterktes bepalen"):

* **critical mass** -- enough actors, from industry and knowledge institutions, with relevant
  expertise: the number of able actors, split by kind, and the sum of their strength;
* **opportunity** -- potential for economic and technological value in defence-related domains:
  the open calls and capability needs that concern the row, with their budgets;
* **leadership potential** -- actors that can become system leader or strategic partner: able actors
  who coordinated relevant projects, able actors with defence experience, and the strongest actor.

Every cell carries the numbers behind it (counts, budgets, the top actors with their strength), so
a programme manager can check it. The engine only computes; pages and CSV export live in Django.

How "able" is decided: for a *domain*, an actor's strength is the highest confidence with which the
domain's concept is tagged on its description or any of its past projects (curated tags included);
for a *need* or *call*, it is the actor's text relevance from the matching index (best unit,
normalised by the best matching unit of the whole index, EU-wide). An actor is able when its
strength reaches ``threshold``.

>>> from visd.matching.index import MatchingIndex
>>> idx = MatchingIndex([{"id": "d:space", "scheme": "focus_domain", "labels": {"en": "Space"},
...                       "synonyms": {"en": ["satellite"]}}])
>>> _ = idx.fit(actors=[{"id": "1", "country": "BE", "post_code": "9000", "kind": "PRC",
...                      "description": "We build satellite payloads for space missions."}])
>>> row = strength_map(idx).rows[0]
>>> row.key, row.critical_mass["able_actors"], row.top_actors[0]["id"]
('d:space', 1, '1')
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np

from .index import MatchingIndex

KNOWLEDGE_KINDS = {"university", "research"}


@dataclass
class StrengthRow:
    """One row of the strength map (a domain, a need or a call) with the numbers behind each cell."""

    key: str
    kind: str                       # 'domain', 'need' or 'call'
    label: str
    critical_mass: dict = field(default_factory=dict)
    opportunity: dict = field(default_factory=dict)
    leadership: dict = field(default_factory=dict)
    top_actors: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class StrengthMap:
    rows: list[StrengthRow]
    actor_filter: dict
    threshold: dict
    n_actors: int
    seconds: float

    def to_dicts(self) -> list[dict]:
        return [r.to_dict() for r in self.rows]

    def table(self) -> list[dict]:
        """Flat rows (for a CSV export): one line per row with the main figure of each criterion."""
        out = []
        for r in self.rows:
            out.append({"key": r.key, "kind": r.kind, "label": r.label,
                        "able_actors": r.critical_mass["able_actors"],
                        "industry": r.critical_mass["by_kind"].get("company", 0),
                        "knowledge": sum(v for k, v in r.critical_mass["by_kind"].items() if k in KNOWLEDGE_KINDS),
                        "strength_sum": r.critical_mass["strength_sum"],
                        "open_calls": r.opportunity.get("open_calls", 0),
                        "budget_eur": r.opportunity.get("budget_eur"),
                        "coordinators": r.leadership["able_coordinators"],
                        "defence_experienced": r.leadership["able_with_defence_experience"],
                        "best_strength": r.leadership["best_strength"]})
        return out


def _is_open(o, today: str) -> bool:
    return o.status == "open" or (o.status not in ("closed",) and bool(o.deadline) and str(o.deadline) >= today)


def strength_map(index: MatchingIndex, domains=None, needs=None, calls=None,
                 actor_filter: dict | None = None, domain_threshold: float = 0.5,
                 text_threshold: float = 0.5, top_n: int = 5, today: date | str | None = None) -> StrengthMap:
    """Compute the strength map.

    Parameters
    ----------
    domains : list of concept ids; default: every concept of scheme 'focus_domain' (all concepts if
        there is none).
    needs : list of opportunity ids of kind 'need'; default all.
    calls : list of opportunity ids of kind 'call'; default the open ones.
    actor_filter : filters as in :meth:`MatchingIndex.actor_mask`; default ``{'region': 'VLG'}``
        (Flemish actors).
    domain_threshold, text_threshold : strength an actor needs to count as able.
    """
    t0 = time.perf_counter()
    today = str(today or date.today())
    actor_filter = {"region": "VLG"} if actor_filter is None else actor_filter
    c = index.actor_arrays()
    mask = index.actor_mask(actor_filter)
    sel = np.flatnonzero(mask)
    kinds = c["attrs"]["kind"][sel]
    ids = [c["ids"][i] for i in sel]
    defence = c["defence"][sel]
    # per selected actor, per membership: coordinator rows
    if domains is None:
        domains = [x.id for x in index.concepts if x.scheme == "focus_domain"] or [x.id for x in index.concepts]
    opps = index.opportunities
    if needs is None:
        needs = [o for o, rec in opps.items() if rec.kind == "need"]
    if calls is None:
        calls = [o for o, rec in opps.items() if rec.kind == "call" and _is_open(rec, today)]
    open_calls = [o for o, rec in opps.items() if rec.kind == "call" and _is_open(rec, today)]
    all_needs = [o for o, rec in opps.items() if rec.kind == "need"]
    opp_tags = {o: {t.concept_id for t in index.tags("opportunity", o)} for o in open_calls + all_needs}

    # coordinator memberships of the selected actors: (local actor index, project row)
    pos = np.full(len(c["ids"]), -1)
    pos[sel] = np.arange(len(sel))
    m_local = pos[c["m_actor"]] if len(c["m_actor"]) else np.zeros(0, dtype=int)
    keep = (m_local >= 0) & c["m_coord"] if len(m_local) else np.zeros(0, dtype=bool)
    coord_actor, coord_row = m_local[keep], c["m_row"][keep]
    # which of those coordinated projects carry which concept (effective tags, curated included)
    coord_tagged = np.zeros((len(coord_row), len(index.concepts)), dtype=bool)
    rows_concepts = index.rows_concepts()
    for k, r in enumerate(coord_row.tolist()):
        coord_tagged[k, rows_concepts[r][0]] = True

    def summarise(key, kind, label, strength, coord_relevant, opportunity):
        able = strength >= (domain_threshold if kind == "domain" else text_threshold)
        by_kind = {}
        for k in kinds[able]:
            by_kind[k or "unknown"] = by_kind.get(k or "unknown", 0) + 1
        coordinators = np.zeros(len(sel), dtype=bool)
        if len(coord_actor):
            coordinators[coord_actor[coord_relevant]] = True
        order = np.argsort(-strength)[:top_n]
        top = [{"id": ids[i], "name": index.actors[ids[i]].name, "kind": kinds[i],
                "strength": round(float(strength[i]), 4)} for i in order if strength[i] > 0]
        return StrengthRow(
            key=key, kind=kind, label=label,
            critical_mass={"able_actors": int(able.sum()), "by_kind": by_kind,
                           "strength_sum": round(float(strength[able].sum()), 4)},
            opportunity=opportunity,
            leadership={"able_coordinators": int((able & coordinators).sum()),
                        "able_with_defence_experience": int((able & defence).sum()),
                        "best_strength": round(float(strength.max()) if len(strength) else 0.0, 4)},
            top_actors=top)

    rows = []
    concept_matrix = c["concepts"][sel] if len(sel) else None
    for cid in domains:
        j = c["concept_index"].get(cid)
        if j is None:
            continue
        strength = np.asarray(concept_matrix[:, j].todense()).ravel() if len(sel) else np.zeros(0)
        coord_rel = coord_tagged[:, j]  # coordinated projects tagged with the domain
        calls_c = [o for o in open_calls if cid in opp_tags[o]]
        needs_c = [o for o in all_needs if cid in opp_tags[o]]
        opportunity = {"open_calls": len(calls_c), "calls": calls_c[:20],
                       "call_budget_eur": sum(opps[o].budget or 0 for o in calls_c),
                       "capability_needs": len(needs_c),
                       "needs_committed_eur": sum(opps[o].budget or 0 for o in needs_c)}
        opportunity["budget_eur"] = opportunity["call_budget_eur"] + opportunity["needs_committed_eur"]
        rows.append(summarise(cid, "domain", index.concept_label(cid), strength, coord_rel, opportunity))

    # text rows: aggregate only over the selected actors' units (the soft maximum of
    # MatchingIndex.actor_components, restricted to the selection)
    p = index.params
    has_desc = c["desc_row"][sel] >= 0
    sub_desc_actor = np.flatnonzero(has_desc)
    sub_desc_row = c["desc_row"][sel][has_desc]
    m_keep = m_local >= 0 if len(m_local) else np.zeros(0, dtype=bool)
    sub_m_actor = m_local[m_keep]
    sub_m_row = c["m_row"][m_keep]
    sub_wm = index.membership_weights(p)[m_keep] if len(m_keep) else np.zeros(0)
    pair_actor = np.concatenate([sub_desc_actor, sub_m_actor]).astype(np.int64)
    pair_row = np.concatenate([sub_desc_row, sub_m_row]).astype(np.int64)
    pair_w = np.concatenate([np.ones(len(sub_desc_actor)), sub_wm])
    unit_kinds = index.unit_kind_mask(("a:", "p:"))

    def text_strength(s_units):
        top = float(s_units[unit_kinds].max()) if unit_kinds.any() else 0.0
        s_norm = s_units / top if top > 0 else np.zeros_like(s_units)
        sp_ = s_norm[pair_row]
        mass = np.bincount(pair_actor, weights=pair_w * np.where(sp_ > 0, np.exp(p.beta * (sp_ - 1.0)), 0.0),
                           minlength=len(sel))
        out = np.zeros(len(sel))
        pos_ = mass > 0
        out[pos_] = np.clip(np.log(mass[pos_]) / p.beta + 1.0, 1e-6, None)
        return out, s_norm

    for kind, oid_list in (("need", needs), ("call", calls)):
        for oid in oid_list:
            o = opps.get(oid)
            if o is None:
                continue
            q = index.profile_vector(["o:" + oid])
            strength, unit_norm = text_strength(index.unit_scores(q))
            coord_rel = unit_norm[coord_row] >= text_threshold if len(coord_row) else np.zeros(0, dtype=bool)
            opportunity = {"budget_eur": o.budget, "deadline": o.deadline, "status": o.status,
                           "open_calls": int(kind == "call" and _is_open(o, today)),
                           "concepts": sorted(opp_tags.get(oid, set()) or {t.concept_id for t in index.tags("opportunity", oid)})}
            rows.append(summarise(oid, kind, o.title, strength, coord_rel, opportunity))

    return StrengthMap(rows, dict(actor_filter), {"domain": domain_threshold, "text": text_threshold},
                       int(len(sel)), time.perf_counter() - t0)
