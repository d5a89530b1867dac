"""Readers that turn the repository's public files into plain matching records, for the benchmarks,
the tests and a Python shell. (The web application feeds the engine from the registry instead.)

>>> from visd.matching.datasets import load_cordis, REPO
>>> actors, projects = load_cordis([REPO / "data/public/cordis_security/fp7_security"])
>>> len(projects) > 300 and all(p.participants for p in projects)
True
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .records import Actor, Opportunity, Project

REPO = Path(__file__).resolve().parents[3]
CORDIS_SECURITY = [REPO / "data/public/cordis_security/fp7_security",
                   REPO / "data/public/cordis_security/h2020_secure_societies"]
EDF = [REPO / "data/public/edf/edf_2021_2022"]
# the consortia of the EDF 2023 calls, ASAP and EDIRPA: the queries of the benchmark's defence task
EDF_RECENT = [REPO / "data/public/edf/edf_2023_asap_edirpa"]
CALLS = [REPO / "data/public/calls/edf_2026_topics.jsonl", REPO / "data/public/calls/horizon_cl3_topics.jsonl"]
REFERENCE = REPO / "src/visd/reference/data"

csv.field_size_limit(1 << 30)

_SCHEMES = {"focus_domains": "focus_domain", "captechs": "captech", "eda_captechs": "captech",
            "capability_dimensions": "capability_dimension"}


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def load_cordis(prefixes=None) -> tuple[dict[str, Actor], list[Project]]:
    """Actors (one per PIC, with country, postcode -> Belgian region, and kind from the activity
    type) and projects (title, objective, start year, participants with roles) from CORDIS-layout
    files ``<prefix>_projects.csv`` and ``<prefix>_organizations.csv``."""
    actors: dict[str, Actor] = {}
    projects: list[Project] = []
    for prefix in prefixes or CORDIS_SECURITY + EDF:
        prefix = Path(prefix)
        parts: dict[str, list] = {}
        for r in _rows(prefix.parent / f"{prefix.name}_organizations.csv"):
            pic = (r.get("id") or "").strip()
            if not pic:
                continue
            parts.setdefault(r["projectID"], []).append((pic, r.get("role") or "participant"))
            if pic not in actors:
                actors[pic] = Actor(id=pic, name=r.get("name", ""), country=r.get("country", ""),
                                    post_code=r.get("postCode", ""), kind=r.get("activityType", ""))
        for r in _rows(prefix.parent / f"{prefix.name}_projects.csv"):
            start = (r.get("startDate") or "")[:4]
            fp = r.get("frameworkProgramme", "")
            text = r.get("objective", "") or ""
            if r.get("keywords"):
                text = f"{text}\n{r['keywords']}"
            seen, participants = set(), []
            for pic, role in parts.get(r["id"], []):
                if pic not in seen:
                    seen.add(pic)
                    participants.append((pic, role))
            projects.append(Project(id=r["id"], title=r.get("title", ""), text=text,
                                    year=int(start) if start.isdigit() else None,
                                    participants=participants, programme=fp, defence=(fp == "EDF"),
                                    extra={"acronym": r.get("acronym", ""), "call": r.get("call", "")}))
    return actors, projects


def load_calls(paths=None) -> list[Opportunity]:
    """Call topics (EDF and Horizon Europe CL3) from the portal's JSON lines."""
    out = []
    for path in paths or CALLS:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                d = json.loads(line)
                budget = d.get("budgetMax")
                if budget and d.get("expectedGrants"):
                    budget = budget * d["expectedGrants"]
                text = " ".join(filter(None, [d.get("description"), d.get("objectives"), d.get("keywords")]))
                out.append(Opportunity(id=d["topicId"], kind="call", title=d.get("title", ""), text=text,
                                       status=(d.get("callStatus") or "").lower(), deadline=d.get("deadline"),
                                       budget=budget, programme=d.get("programme", "")))
    return out


def load_capability_needs(path=None) -> list[Opportunity]:
    """The line items of the Strategic Vision 2025 capability portfolio (``level == 'item'``), with
    their capability and dimension names as context and the committed amount as budget."""
    path = Path(path or REFERENCE / "sv2025_capabilities.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_code = {r["code"]: r for r in rows}
    out = []
    for r in rows:
        if r.get("level") != "item":
            continue
        parent = by_code.get(r.get("parent_code", ""), {})
        grand = by_code.get(parent.get("parent_code", ""), {})
        context = " ".join(x.get("name", "").title() for x in (parent, grand) if x)
        budget = float(r["committed_eur"]) if r.get("committed_eur") else None
        out.append(Opportunity(id="sv2025:" + r["code"], kind="need", title=r["name"], text=context,
                               status="", budget=budget, programme="Strategic Vision 2025"))
    return out


def load_reference_concepts(directory=None) -> list[dict]:
    """Concepts from the taxonomy YAML files of ``visd/reference/data`` (any file whose records have
    ``label`` and ``synonyms`` per language). Returns [] when the directory is missing."""
    directory = Path(directory or REFERENCE)
    if not directory.is_dir():
        return []
    import yaml

    out = []
    for path in sorted(directory.glob("*.y*ml")):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        records = doc.get("records") if isinstance(doc, dict) else None
        if not records or not isinstance(records[0], dict) or "synonyms" not in records[0]:
            continue
        scheme = doc.get("scheme") or _SCHEMES.get(doc.get("file", path.stem), doc.get("file", path.stem))
        for r in records:
            labels = r.get("label") or r.get("labels") or {}
            out.append({"id": f"{scheme}:{r['code']}", "scheme": scheme, "labels": labels,
                        "synonyms": r.get("synonyms") or {}})
    return out
