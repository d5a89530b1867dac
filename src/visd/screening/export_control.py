"""Export-control path: pure functions over ``data/export_control.yaml``, the Common Military List
classifier (``ml_classifier``) and the export restrictions an administrator maintains (passed in as
plain dicts, so the engine needs no database).

``export_path`` answers, for goods of a kind going to a destination on a date: within the EU or not,
whether the documents name a licence duty, the restriction flags in force, the criteria that will be
weighed (Common Position 2008/944/CFSP), the competent service, the documents to prepare and the
indicative lead times, each with its source. ``screen`` adds the candidate ML categories of a
description and a dual-use indication. Guidance, never a decision.

>>> import datetime
>>> from visd.screening import export_control
>>> path = export_control.export_path("military", "US", datetime.date(2025, 6, 1), restrictions=[])
>>> path["within_eu"], path["licence_required"], [t["code"] for t in path["lead_times"]]
(False, True, ['prior-authorisation', 'decision-department', 'decision-minister'])
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml
from django.utils.translation import gettext_lazy as _

from .countries import COUNTRY_CODES, eu_member_states
from .esac import AnswerError
from .ml_classifier import default_classifier
from .text import guess_language, stem, tokens

RULES_PATH = Path(__file__).resolve().parent / "data" / "export_control.yaml"
GOODS_KINDS = ("military", "dual_use", "dual_use_annex_iv", "civil", "unknown")


@lru_cache(maxsize=1)
def rules(path: Path = RULES_PATH) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def sourced_items(data: dict) -> list[tuple[str, dict]]:
    """Every item of the rules that must carry a source, with where it is (for checks and tests)."""
    items = [("eu_member_states", data["eu_member_states"]), ("competent_service", data["competent_service"]),
             ("dual_use_categories", data["dual_use_categories"])]
    items += [(f"licence_duty {kind}", item) for kind, item in data["licence_duty"].items()]
    for group in ("documents", "lead_times", "criteria", "notes"):
        items += [(f"{group} {item.get('code') or index + 1}", item) for index, item in enumerate(data[group])]
    return items


def check_rules(data: dict) -> list[str]:
    problems = [f"{where}: has no source" for where, item in sourced_items(data)
                if not str(item.get("source") or "").strip()]
    unknown = set(data["eu_member_states"]["codes"]) - COUNTRY_CODES
    if unknown:
        problems.append(f"eu_member_states: unknown country codes {sorted(unknown)}")
    for group in ("documents", "lead_times"):
        for item in data[group]:
            if set(item["applies_to"]) - set(data["licence_duty"]):
                problems.append(f"{group} {item['code']}: applies_to names an unknown kind of goods")
    return problems


def _texts(item: dict, key: str = "text") -> dict[str, str]:
    return {"nl": item[f"{key}_nl"], "en": item[f"{key}_en"]}


def restrictions_in_force(restrictions: Iterable[dict], country: str, goods_kind: str,
                          on_date: datetime.date) -> list[dict]:
    """The restrictions (plain dicts with country, goods, effective_from, effective_to, ...) that
    apply to ``country`` on ``on_date`` for ``goods_kind``. Unknown goods match every restriction."""
    found = []
    for r in restrictions:
        if r["country"] != country or r["effective_from"] > on_date:
            continue
        if r.get("effective_to") and r["effective_to"] < on_date:
            continue
        goods = r.get("goods", "military")
        applies = (goods == "all" or goods_kind in {"unknown", None}
                   or (goods == "dual_use" and goods_kind.startswith("dual_use")) or goods == goods_kind)
        if applies:
            found.append(r)
    return found


def _checked(restrictions: list[dict], on_date: datetime.date) -> dict:
    """How many restrictions on how many countries, imposed by whom, were in force on ``on_date``:
    what a screening without flags checked against."""
    in_force = [r for r in restrictions if r["effective_from"] <= on_date
                and not (r.get("effective_to") and r["effective_to"] < on_date)]
    return {"count": len(in_force), "countries": len({r["country"] for r in in_force}),
            "regimes": sorted({r.get("regime") or "" for r in in_force} - {""})}


def export_path(goods_kind: str, destination: str, on_date: datetime.date,
                restrictions: Iterable[dict] = (), data: dict | None = None) -> dict:
    """The path for goods of ``goods_kind`` (military, dual_use, dual_use_annex_iv, civil or unknown)
    to ``destination`` (ISO code) on ``on_date``. ``restrictions``: the administrator's list as dicts."""
    data = data or rules()
    restrictions = list(restrictions)
    destination = (destination or "").upper()
    problems: dict[str, list] = {}
    if goods_kind not in GOODS_KINDS:
        problems["goods_kind"] = [_("Say whether the goods are military, dual-use, civil or unknown.")]
    if destination not in COUNTRY_CODES:
        problems["destination"] = [_("Choose the country of destination.")]
    elif destination == "BE":
        problems["destination"] = [_("The destination is Belgium: this screening is about goods leaving Belgium.")]
    if problems:
        raise AnswerError(problems)
    members, members_source = eu_member_states()
    within_eu = destination in members
    # Unknown goods: show the strictest path (military) and say so.
    kinds = ["military", "dual_use"] if goods_kind == "unknown" else [goods_kind]
    duties = [data["licence_duty"][k] for k in kinds]
    licence = any(d["within_eu" if within_eu else "outside_eu"] for d in duties)
    flags = restrictions_in_force(restrictions, destination, goods_kind, on_date)
    relevant = set(kinds)
    return {
        "rules_version": data["version"],
        "goods_kind": goods_kind,
        "destination": destination,
        "reference_date": on_date.isoformat(),
        "within_eu": within_eu,
        "within_eu_source": members_source,
        "licence_required": licence,
        "licence_duty": [{"kind": k, "text": _texts(d), "source": d["source"],
                          "required": d["within_eu" if within_eu else "outside_eu"]}
                         for k, d in zip(kinds, duties, strict=False)],
        "flags": [{"code": f["code"], "kind": f["kind"], "goods": f.get("goods", "military"),
                   "scope": f.get("scope", "country"),
                   "title": {"nl": f["title_nl"], "en": f["title_en"]},
                   "note": {"nl": f.get("note_nl", ""), "en": f.get("note_en", "")},
                   "effective_from": f["effective_from"].isoformat(),
                   "effective_to": f["effective_to"].isoformat() if f.get("effective_to") else None,
                   "review_date": f["review_date"].isoformat() if f.get("review_date") else None,
                   "regime": f.get("regime", ""), "legal_act_url": f.get("legal_act_url", ""),
                   "source": f["source"]} for f in flags],
        # What was checked, so that an empty list of flags is never read as a clearance.
        "restrictions_checked": _checked(restrictions, on_date),
        "criteria": [{"code": c["code"], "number": c["number"], "label": _texts(c, "label"), "source": c["source"]}
                     for c in data["criteria"]] if licence else [],
        "competent_service": {"name": _texts(data["competent_service"], "name"),
                              "text": _texts(data["competent_service"]),
                              "source": data["competent_service"]["source"]} if licence else None,
        "documents": [{"code": d["code"], "label": _texts(d, "label"), "text": _texts(d), "source": d["source"]}
                      for d in data["documents"] if licence and relevant & set(d["applies_to"])],
        "lead_times": [{"code": t["code"], "label": _texts(t, "label"), "text": _texts(t),
                        "minimum_months": t.get("minimum_months"), "maximum_days": t.get("maximum_days"),
                        "source": t["source"]}
                       for t in data["lead_times"] if licence and relevant & set(t["applies_to"])],
        "notes": [{"text": _texts(n), "source": n["source"]} for n in data["notes"]
                  if n["when"] in {"always", "within_eu" if within_eu else "outside_eu"}
                  or (n["when"] == "dual_use" and licence and any(k.startswith("dual_use") for k in kinds))],
    }


def dual_use_indication(description: str, data: dict | None = None) -> dict:
    """Annex I categories (Regulation (EU) 2021/821) whose curated keywords occur in ``description``:
    a hint of where to look in the dual-use list, never a classification."""
    data = data or rules()
    block = data["dual_use_categories"]
    words = tokens(description)
    stems = {(stem(w, "en"), stem(w, "nl")) for w in words}
    en_stems = {s for s, _ in stems}
    nl_stems = {s for _, s in stems}
    text = " " + " ".join(words) + " "
    found = []
    for category in block["categories"]:
        hits = []
        for keyword in category["keywords"]:
            parts = tokens(str(keyword))
            if len(parts) > 1:
                if f" {' '.join(parts)} " in text:
                    hits.append(str(keyword))
            elif stem(parts[0], "en") in en_stems or stem(parts[0], "nl") in nl_stems:
                hits.append(str(keyword))
        if hits:
            found.append({"code": category["code"], "label": _texts(category, "label"), "words": hits})
    return {"categories": found, "source": block["source"]}


def screen(answers: dict, restrictions: Iterable[dict] = (), data: dict | None = None,
           top: int = 3) -> dict:
    """A whole export screening: ``answers`` has description, goods_kind, destination and
    reference_date; returns the candidates, the dual-use indication and the path."""
    problems: dict[str, list] = {}
    description = str(answers.get("description") or "").strip()
    if not description:
        problems["description"] = [_("Describe the goods, technology or knowledge.")]
    raw_date = answers.get("reference_date")
    on_date = None
    if isinstance(raw_date, datetime.date):
        on_date = raw_date
    elif raw_date:
        try:
            on_date = datetime.date.fromisoformat(str(raw_date))
        except ValueError:
            problems["reference_date"] = [_("Give the date as YYYY-MM-DD.")]
    else:
        problems["reference_date"] = [_("Give the date of the planned export.")]
    goods_kind = str(answers.get("goods_kind") or "unknown")
    try:
        path = export_path(goods_kind, str(answers.get("destination") or ""), on_date or datetime.date.today(),
                           restrictions, data)
    except AnswerError as error:
        problems.update(error.problems)
        path = None
    if problems:
        raise AnswerError(problems)
    candidates = default_classifier().classify(description, top=top)
    if goods_kind == "civil" and candidates:
        path.setdefault("warnings", []).append({
            "nl": "U noemde de goederen civiel, maar de beschrijving lijkt op categorieën van de militaire lijst; "
                  "controleer de indeling.",
            "en": "You called the goods civil, but the description resembles categories of the military list; "
                  "check the classification.",
        })
    outcome = ("restricted" if path["flags"] else "licence_required" if path["licence_required"]
               else "no_licence_named")
    return {
        "kind": "export",
        "rule_version": data["version"] if data else rules()["version"],
        "outcome": outcome,
        "answers": {"description": description, "goods_kind": goods_kind, "destination": path["destination"],
                    "reference_date": on_date.isoformat()},
        "language": guess_language(description),
        "candidates": [{"category": c.category, "heading": c.heading, "score": c.score, "source": c.source,
                        "matched": [{"code": m.code, "text": m.text, "words": list(m.words)} for m in c.matched]}
                       for c in candidates],
        "dual_use": dual_use_indication(description, data),
        "path": path,
    }


def restriction_as_dict(record: Any) -> dict:
    """A model instance (or anything with the same attributes) as the plain dict the engine reads."""
    fields = ("code", "country", "kind", "regime", "goods", "scope", "title_nl", "title_en", "note_nl", "note_en",
              "effective_from", "effective_to", "review_date", "source", "legal_act_url")
    return {f: getattr(record, f) for f in fields}
