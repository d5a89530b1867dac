"""The EU funding estimate of a consortium from the rates of Article 13 (data/edf_rules.yaml).

An estimate, not a grant: the rate applies to the eligible costs the workspace holds per member. Parts
of Article 13 that could not be read (the cap of the SME increase for other countries, the mid-cap
increase, the ceiling of all increases) are reported as not applied, never guessed.

>>> from visd.consortia.engine import parse_consortium
>>> c = parse_consortium({"programme": "EDF", "action": "development", "members": [
...     {"id": "big", "country": "FR", "sme": False, "budget": 800000},
...     {"id": "sme1", "country": "FR", "sme": True, "budget": 100000},
...     {"id": "sme2", "country": "BE", "sme": True, "budget": 100000}]})
>>> result = estimate(c, "testing")
>>> result["rate"], result["applied_rate"], [b["points"] for b in result["bonuses"]]
(105.0, 100.0, [5.0, 20.0])
"""

from __future__ import annotations

from typing import Any

from .engine import Consortium

NOT_READ = {"en": "not applied: this part of Article 13 was not read from the regulation's text",
            "nl": "niet toegepast: dit deel van artikel 13 is niet uit de tekst van de verordening gelezen"}
LABELS = {
    "pesco": {"en": "Developed in a PESCO project", "nl": "Ontwikkeld in een PESCO-project"},
    "sme_same": {"en": "SMEs established in the countries of the non-SME recipients ({share:.1f} % of costs)",
                 "nl": "KMO's gevestigd in de landen van de niet-KMO-ontvangers ({share:.1f} % van de kosten)"},
    "sme_other": {"en": "SMEs established in other countries ({share:.1f} % of costs)",
                  "nl": "KMO's gevestigd in andere landen ({share:.1f} % van de kosten)"},
    "sme_below": {"en": "SME share {share:.1f} % is below the threshold of {threshold} %",
                  "nl": "KMO-aandeel {share:.1f} % ligt onder de drempel van {threshold} %"},
    "mid_cap": {"en": "Mid-caps ({share:.1f} % of costs)", "nl": "Midcaps ({share:.1f} % van de kosten)"},
    "ceiling": {"en": "Ceiling of the increases", "nl": "Plafond van de verhogingen"},
    "research": {"en": "Research actions: no increases apply (Article 13(3) concerns development actions).",
                 "nl": "Onderzoeksacties: er gelden geen verhogingen (artikel 13, lid 3, betreft ontwikkelingsacties)."},
}
FUNDED_ROLES = ("coordinator", "beneficiary", "affiliated_entity")


def estimate(consortium: Consortium, base_code: str, *, pesco: bool = False, language: str = "en") -> dict[str, Any]:
    data = consortium.rules.funding
    bases = {b["code"]: b for b in data["base"]}
    base = bases.get(base_code) or bases["research"]
    members = [m for m in consortium.members if m.role in FUNDED_ROLES]
    total = sum(m.budget or 0 for m in members)
    bonuses, notes = [], []
    rate = float(base["rate"])
    if consortium.action == "development" and total > 0:
        bonus = data["development_bonuses"]
        if pesco:
            bonuses.append({"label": LABELS["pesco"][language], "points": float(bonus["pesco"]["points"]),
                            "source": bonus["pesco"]["source"]})
        non_sme_countries = {m.country for m in members if m.sme is False}
        smes = [m for m in members if m.sme]
        same = sum(m.budget or 0 for m in smes if m.country in non_sme_countries) / total * 100
        other = sum(m.budget or 0 for m in smes if m.country not in non_sme_countries) / total * 100
        if same + other >= bonus["sme_threshold_percent"]:
            rule = bonus["sme_same_country"]
            points = float(min(same * rule["factor"], rule["cap_points"]))
            bonuses.append({"label": LABELS["sme_same"][language].format(share=same), "points": round(points, 2),
                            "source": rule["source"]})
            rule = bonus["sme_other_country"]
            points = other * rule["factor"]
            bonuses.append({"label": LABELS["sme_other"][language].format(share=other), "points": round(points, 2),
                            "source": rule["source"],
                            "note": "" if rule["cap_points"] is not None else NOT_READ[language] + " (cap)"})
        elif smes:
            notes.append(LABELS["sme_below"][language].format(share=same + other, threshold=bonus["sme_threshold_percent"]))
        mid_cap_share = sum(m.budget or 0 for m in members if m.mid_cap) / total * 100
        if mid_cap_share and bonus["mid_cap"]["factor"] is None:
            notes.append(f"{LABELS['mid_cap'][language].format(share=mid_cap_share)}: {NOT_READ[language]}")
        if bonus["overall_cap_points"] is None and bonuses:
            notes.append(f"{LABELS['ceiling'][language]}: {NOT_READ[language]}")
        rate += sum(b["points"] for b in bonuses)
    elif consortium.action == "research":
        notes.append(LABELS["research"][language])
    rate = round(min(rate, 100.0) if base_code == "research" else rate, 2)
    # a rate above 100 % cannot be paid (Article 13(1): up to 100 % of the eligible costs)
    capped = min(rate, 100.0)
    rows = [{"id": m.id, "name": m.label, "budget_eur": m.budget, "rate": capped,
             "eu_contribution_eur": round((m.budget or 0) * capped / 100, 2) if m.budget is not None else None}
            for m in members]
    return {"base": {"code": base["code"], "rate": float(base["rate"]), "source": base["source"]},
            "bonuses": bonuses, "notes": notes, "rate": rate, "applied_rate": capped, "members": rows,
            "total_eur": float(total), "eu_contribution_eur": round(total * capped / 100, 2)}
