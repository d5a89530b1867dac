"""ESAC (ethics) screening of an R&D&I project: pure functions over the versioned rules in
``data/esac_rules.yaml``. No database; the Django layer stores what ``screen`` returns.

A dossier is judged by the rule version in force on its date. When that is not the current version
(a dossier from before the Muyters circular was abolished), the outcome under the current rules is
given as well. Bad answers (missing, unknown, contradictory) raise ``AnswerError`` with a message
per question.

>>> import datetime
>>> from visd.screening import esac
>>> result = esac.screen({"reference_date": datetime.date(2025, 6, 1), "nature": "military",
...                       "ml_category": "ML5", "under_ethical_review": False,
...                       "contrary_to_international_law": False})
>>> result["outcome"], result["rule_version"]
('esac_binding_advice', 'defence-plan-2025')
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .ml_classifier import read_list

RULES_PATH = Path(__file__).resolve().parent / "data" / "esac_rules.yaml"

NATURES = ("civil", "dual_use_civil", "dual_use_military", "military")
#: Outcome codes the rules may give, and how serious each is (for display).
OUTCOME_LEVELS = {
    "excluded": "stop",
    "no_support": "stop",
    "esac_binding_advice": "review",
    "esac_advice_required": "review",
    "no_esac_advice_needed": "go",
    "support_possible": "go",
    "outside_scope": "info",
}
CONDITIONS = {"nature_in", "ml_in", "ml_given", "under_ethical_review", "contrary_to_international_law"}
QUESTIONS = ("reference_date", "nature", "ml_category", "under_ethical_review", "review_programme",
             "contrary_to_international_law")


class RulesError(ValueError):
    """The rules file is not usable; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class AnswerError(ValueError):
    """The answers cannot be judged; ``problems`` maps each question to its messages."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {' '.join(str(m) for m in messages)}"
                                   for field, messages in problems.items()))


@dataclass(frozen=True)
class RuleVersion:
    code: str
    name: dict[str, str]
    effective_from: datetime.date
    effective_to: datetime.date | None
    source: str
    dates_source: str
    ml_needs_subcategory: tuple[str, ...]
    requires: tuple[dict, ...]
    rules: tuple[dict, ...]
    criteria: tuple[dict, ...]
    notes: tuple[dict, ...]

    def in_force(self, on_date: datetime.date) -> bool:
        return self.effective_from <= on_date and (self.effective_to is None or on_date <= self.effective_to)


@lru_cache(maxsize=1)
def ml_codes() -> frozenset[str]:
    """Valid answers for the category: ML1..ML22 and their first-level items (ML7.a, ...)."""
    codes = set()
    for entry in read_list():
        parts = entry.code.rstrip(".").split(".")
        if len(parts) <= 2:
            codes.add(".".join(parts))
    return frozenset(codes)


@lru_cache(maxsize=1)
def ml_texts() -> dict[str, str]:
    """The list's text of each category and first-level item, by code (as in ``ml_codes``)."""
    return {entry.code.rstrip("."): entry.text for entry in read_list()
            if entry.code.rstrip(".") in ml_codes()}


def ml_choices() -> list[str]:
    """The categories offered in the questionnaire: ML1..ML22, with ML7 also by sub-category."""
    def order(code):
        main, _, sub = code.partition(".")
        return int(main[2:]), sub
    return sorted((c for c in ml_codes() if "." not in c or c.startswith("ML7.")), key=order)


# --- the rules file -------------------------------------------------------------------------------

def check_rules(data: dict) -> list[str]:
    """Every problem of a rules document (as parsed YAML): sources, dates, conditions, outcomes."""
    problems = []
    versions = data.get("versions") or []
    if not versions:
        problems.append("no versions")
    previous_end = None
    for index, version in enumerate(versions):
        where = f"version {version.get('code') or index}"
        for key in ("code", "name_nl", "name_en", "effective_from", "source", "dates_source"):
            if not version.get(key):
                problems.append(f"{where}: '{key}' is missing")
        start, end = version.get("effective_from"), version.get("effective_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            problems.append(f"{where}: effective_to lies before effective_from")
        if previous_end is not None and isinstance(start, datetime.date):
            if start != previous_end + datetime.timedelta(days=1):
                problems.append(f"{where}: must start the day after the previous version ends ({previous_end})")
        if index < len(versions) - 1 and not isinstance(end, datetime.date):
            problems.append(f"{where}: only the last version may be open-ended")
        previous_end = end if isinstance(end, datetime.date) else None
        for kind in ("requires", "rules", "criteria", "notes"):
            for position, item in enumerate(version.get(kind) or []):
                label = f"{where}, {kind} {item.get('code') or position + 1}"
                if not str(item.get("source") or "").strip():
                    problems.append(f"{label}: has no source")
                condition = item.get("when", {}) if kind != "criteria" else {}
                unknown = set(condition or {}) - CONDITIONS
                if unknown:
                    problems.append(f"{label}: unknown condition(s) {sorted(unknown)}")
                natures = set((condition or {}).get("nature_in") or []) - set(NATURES)
                if natures:
                    problems.append(f"{label}: unknown nature(s) {sorted(natures)}")
                bad_ml = set((condition or {}).get("ml_in") or []) - ml_codes()
                if bad_ml:
                    problems.append(f"{label}: unknown ML code(s) {sorted(bad_ml)}")
                if kind == "rules":
                    if item.get("outcome") not in OUTCOME_LEVELS:
                        problems.append(f"{label}: unknown outcome {item.get('outcome')!r}")
                    for key in ("code", "label_nl", "label_en", "explanation_nl", "explanation_en"):
                        if not item.get(key):
                            problems.append(f"{label}: '{key}' is missing")
                if kind == "notes" and not (item.get("text_nl") and item.get("text_en")):
                    problems.append(f"{label}: text_nl and text_en are needed")
                if kind == "criteria" and not (item.get("label_nl") and item.get("label_en")):
                    problems.append(f"{label}: label_nl and label_en are needed")
        # The rules must give an outcome for every nature when nothing else is answered.
        for nature in NATURES:
            blank = _blank(nature)
            if any(_matches(r.get("when") or {}, blank) and not blank.get(r.get("answer"))
                   for r in version.get("requires") or []):
                continue  # the version asks for more before it judges
            if not any(_matches(rule.get("when") or {}, blank) for rule in version.get("rules") or []):
                problems.append(f"{where}: no rule gives an outcome for nature '{nature}'")
    return problems


def _blank(nature: str) -> dict:
    return {"nature": nature, "ml_category": "", "under_ethical_review": False,
            "contrary_to_international_law": False}


def load_rules(path: Path = RULES_PATH) -> tuple[RuleVersion, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = check_rules(data)
    if problems:
        raise RulesError(problems)
    return tuple(
        RuleVersion(
            code=v["code"], name={"nl": v["name_nl"], "en": v["name_en"]},
            effective_from=v["effective_from"], effective_to=v.get("effective_to"),
            source=v["source"], dates_source=v["dates_source"],
            ml_needs_subcategory=tuple(v.get("ml_needs_subcategory") or ()),
            requires=tuple(v.get("requires") or ()), rules=tuple(v["rules"]),
            criteria=tuple(v.get("criteria") or ()), notes=tuple(v.get("notes") or ()),
        )
        for v in data["versions"]
    )


@lru_cache(maxsize=1)
def default_rules() -> tuple[RuleVersion, ...]:
    return load_rules()


def version_for(on_date: datetime.date, versions: tuple[RuleVersion, ...] | None = None) -> RuleVersion | None:
    for version in versions or default_rules():
        if version.in_force(on_date):
            return version
    return None


def current_version(versions: tuple[RuleVersion, ...] | None = None) -> RuleVersion:
    return (versions or default_rules())[-1]


# --- answers --------------------------------------------------------------------------------------

def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in {"yes", "true", "1", "ja", "on"}:
        return True
    if text in {"no", "false", "0", "nee", "off"}:
        return False
    return None


def normalise_answers(answers: dict) -> dict:
    """Answers as the engine reads them, or ``AnswerError`` for missing, unknown or contradictory ones
    (independent of the rule version)."""
    problems: dict[str, list] = {}
    clean: dict[str, Any] = {}

    raw_date = answers.get("reference_date")
    if isinstance(raw_date, datetime.datetime):
        raw_date = raw_date.date()
    if isinstance(raw_date, datetime.date):
        clean["reference_date"] = raw_date
    elif raw_date:
        try:
            clean["reference_date"] = datetime.date.fromisoformat(str(raw_date))
        except ValueError:
            problems["reference_date"] = [_("Give the dossier date as YYYY-MM-DD.")]
    else:
        problems["reference_date"] = [_("Give the dossier date: it decides which rules apply.")]

    nature = str(answers.get("nature") or "").strip()
    if not nature:
        problems["nature"] = [_("Say whether the project is mainly civil, dual-use or military.")]
    elif nature not in NATURES:
        problems["nature"] = [_("Unknown nature %(value)r.") % {"value": nature}]
    clean["nature"] = nature

    ml = str(answers.get("ml_category") or "").strip().upper().rstrip(".")
    ml = ml.replace("ML ", "ML")
    if ml and ml not in ml_codes():
        main, dot, sub = ml.partition(".")
        candidate = f"{main}.{sub.lower()}" if dot else main
        if candidate in ml_codes():
            ml = candidate
        else:
            problems["ml_category"] = [_("%(value)s is not a category of the Common Military List (ML1-ML22).")
                                       % {"value": ml}]
    clean["ml_category"] = ml

    for field, question in (("under_ethical_review", _("Answer whether the project is already under the "
                                                          "ethical review of an EU, federal or international programme.")),
                            ("contrary_to_international_law", _("Answer whether the project concerns weapon "
                                                                "systems contrary to international law."))):
        value = _yes_no(answers.get(field))
        if value is None:
            problems[field] = [question]
        clean[field] = value

    programme = str(answers.get("review_programme") or "").strip()
    clean["review_programme"] = programme
    if clean.get("under_ethical_review") and not programme:
        problems["review_programme"] = [_("Name the programme whose ethical review the project is under.")]

    # Contradictions between answers.
    if nature == "civil" and ml and "ml_category" not in problems:
        problems.setdefault("ml_category", []).append(_(
            "A project of a mainly civil nature has no Common Military List category: choose dual-use or "
            "military as its nature, or leave the category empty."))
    if nature == "civil" and clean.get("contrary_to_international_law"):
        problems.setdefault("contrary_to_international_law", []).append(_(
            "A project of a mainly civil nature does not concern weapon systems: check the nature or this answer."))
    if nature == "civil" and clean.get("under_ethical_review") and programme:
        problems.setdefault("under_ethical_review", []).append(_(
            "The ethical review of a military programme concerns military or dual-use projects; for a civil "
            "project answer no, or check the nature."))
    if problems:
        raise AnswerError(problems)
    return clean


def _ml_keys(ml: str) -> set[str]:
    return {ml, ml.split(".", 1)[0]} if ml else set()


def _matches(condition: dict, answers: dict) -> bool:
    if "nature_in" in condition and answers["nature"] not in condition["nature_in"]:
        return False
    if "ml_in" in condition and not (_ml_keys(answers["ml_category"]) & set(condition["ml_in"])):
        return False
    if "ml_given" in condition and bool(answers["ml_category"]) != condition["ml_given"]:
        return False
    for flag in ("under_ethical_review", "contrary_to_international_law"):
        if flag in condition and bool(answers[flag]) != condition[flag]:
            return False
    return True


def _version_problems(version: RuleVersion, answers: dict) -> dict[str, list]:
    problems: dict[str, list] = {}
    ml = answers["ml_category"]
    if ml and ml in version.ml_needs_subcategory:
        problems["ml_category"] = [_(
            "Under %(version)s the sub-categories of %(ml)s are treated differently: choose the sub-category "
            "(e.g. %(ml)s.a).") % {"version": version.name["nl" if (get_language() or "").startswith("nl") else "en"],
                                    "ml": ml}]
    for requirement in version.requires:
        if _matches(requirement.get("when") or {}, answers) and not answers.get(requirement["answer"]):
            reason = requirement["reason_nl"] if (get_language() or "").startswith("nl") else requirement["reason_en"]
            problems.setdefault(requirement["answer"], []).append(
                _("%(reason)s (source: %(source)s)") % {"reason": reason, "source": requirement["source"]})
    return problems


def evaluate(version: RuleVersion, answers: dict) -> dict:
    """The outcome of ``version`` for normalised ``answers``: a JSON-ready dict with sources."""
    problems = _version_problems(version, answers)
    if problems:
        raise AnswerError(problems)
    rule = next(r for r in version.rules if _matches(r.get("when") or {}, answers))
    return {
        "rule_version": version.code,
        "rule_version_name": version.name,
        "rule_version_source": version.source,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "dates_source": version.dates_source,
        "outcome": rule["outcome"],
        "level": OUTCOME_LEVELS[rule["outcome"]],
        "rule": rule["code"],
        "label": {"nl": rule["label_nl"], "en": rule["label_en"]},
        "explanation": {"nl": rule["explanation_nl"], "en": rule["explanation_en"]},
        "source": rule["source"],
        "criteria": [{"code": c["code"], "label": {"nl": c["label_nl"], "en": c["label_en"]}, "source": c["source"]}
                     for c in version.criteria] if rule["outcome"] in {"esac_binding_advice", "esac_advice_required"}
        else [],
        "notes": [{"text": {"nl": n["text_nl"], "en": n["text_en"]}, "source": n["source"]}
                  for n in version.notes if _matches(n.get("when") or {}, answers)],
    }


def screen(answers: dict, versions: tuple[RuleVersion, ...] | None = None) -> dict:
    """Judge ``answers`` by the rules of the dossier date; add the current rules' outcome when the
    dossier's version is an older one. Raises ``AnswerError`` for bad answers."""
    versions = versions or default_rules()
    clean = normalise_answers(answers)
    version = version_for(clean["reference_date"], versions)
    if version is None:
        first = versions[0]
        raise AnswerError({"reference_date": [_(
            "No rule version covers %(date)s: the rules start on %(start)s (%(name)s). Before that the "
            "Van den Brande guidelines (1994, 1999) applied, which the sources do not describe.")
            % {"date": clean["reference_date"].isoformat(), "start": first.effective_from.isoformat(),
               "name": first.name["nl" if (get_language() or "").startswith("nl") else "en"]}]})
    result = evaluate(version, clean)
    current = current_version(versions)
    if current.code != version.code:
        result["current"] = evaluate(current, clean)
    result["kind"] = "esac"
    result["answers"] = {**clean, "reference_date": clean["reference_date"].isoformat()}
    return result
