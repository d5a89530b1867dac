"""Read and check every reference-data file before anything is written.

``read_reference_data(data_dir)`` returns a ``ReferenceData`` of plain records (dicts of model field
values, foreign keys still as codes) or raises ``ReferenceDataError`` listing every problem found in
every file, each with the file, the row (record code or CSV line) and the field. Nothing here touches
the database, so the checks can run on a copy of the files (tests, ``visd load-reference --check``).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from visd.actors.models import ActorKind, Region
from visd.capabilities.models import NeedLevel
from visd.funding.models import InstrumentKind, InstrumentLevel, Phase, ProjectKind, RateComponent, RateSize
from visd.programme.models import KPI, BudgetCategory
from visd.taxonomy.models import DomainKind

PORTFOLIOS = "portfolios.yaml"
FOCUS_DOMAINS = "focus_domains.yaml"
CAPTECHS = "captechs.yaml"
CAPABILITIES = "sv2025_capabilities.csv"
TRAJECTORY = "sv2025_budget_trajectory.yaml"
BUDGET = "visd_budget.yaml"
KPIS = "visd_kpis.yaml"
INSTRUMENTS = "instruments.yaml"
INSTRUMENT_GUIDANCE = "instrument_guidance.yaml"
CONTACT_POINTS = "contact_points.yaml"
OBLIGATIONS = "obligations.yaml"
FILES = [PORTFOLIOS, FOCUS_DOMAINS, CAPTECHS, CAPABILITIES, TRAJECTORY, BUDGET, KPIS, INSTRUMENTS,
         INSTRUMENT_GUIDANCE, CONTACT_POINTS, OBLIGATIONS]
# The navigator's goals (guidance.navigator.GOALS), named here so the files can be checked without it.
GOALS = ["research", "develop", "test", "finance", "export", "partners"]

LANGUAGES = ("nl", "en", "fr")
SOURCE_MAX_LENGTH = 500  # core.models.Sourced.source
SLUG = re.compile(r"^[-a-z0-9_]+$")
URL = re.compile(r"^https?://[^\s]+$")
CAPABILITY_COLUMNS = [
    "level", "code", "parent_code", "name", "first_commitment_year", "committed_eur", "paid_eur",
    "consolidated_development", "order", "source",
]
# In the capability CSV each level's parent is the level above; "total" is the grand total row,
# checked but not stored.
PARENT_LEVEL = {
    NeedLevel.DIMENSION: "total", NeedLevel.CAPABILITY: NeedLevel.DIMENSION, NeedLevel.ITEM: NeedLevel.CAPABILITY,
}


@dataclass(frozen=True)
class Problem:
    file: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, self.row and f"row {self.row}", self.field) if part)
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "row": self.row, "column": self.field, "message": self.message}


class ReferenceDataError(Exception):
    """The reference files are not loadable; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ReferenceData:
    """Checked records, ready to load. Values are model field values; links are codes."""

    portfolios: list[dict[str, Any]] = field(default_factory=list)
    focus_domains: list[dict[str, Any]] = field(default_factory=list)
    captechs: list[dict[str, Any]] = field(default_factory=list)
    capability_needs: list[dict[str, Any]] = field(default_factory=list)
    capability_totals: dict[str, int] = field(default_factory=dict)
    trajectory_points: list[dict[str, Any]] = field(default_factory=list)
    budget_lines: list[dict[str, Any]] = field(default_factory=list)
    budget_amounts: list[dict[str, Any]] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    instruments: list[dict[str, Any]] = field(default_factory=list)
    instrument_guidance: list[dict[str, Any]] = field(default_factory=list)
    aid_rates: list[dict[str, Any]] = field(default_factory=list)
    contact_points: list[dict[str, Any]] = field(default_factory=list)
    obligations: list[dict[str, Any]] = field(default_factory=list)


class _Checker:
    """Collects problems for one file while reading its records."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def problem(self, row: Any, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, str(row), field_name, message))

    def text(self, record: dict, row: Any, key: str, *, required: bool = True, max_length: int | None = None,
             label: str | None = None) -> str:
        """``record[key]`` as stripped text; ``label`` names the field in problems (e.g. 'name.nl')."""
        label = label or key
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(row, label, _("is missing or empty"))
            return ""
        if not isinstance(value, str):
            self.problem(row, label, _("must be text, not %(value)r") % {"value": value})
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.problem(row, label, _("is %(length)d characters long, at most %(max)d allowed")
                         % {"length": len(value), "max": max_length})
        return value

    def source(self, record: dict, row: Any, suffix: str = "") -> str:
        source = self.text(record, row, "source")
        full = f"{source}; {suffix}" if source and suffix else source
        if len(full) > SOURCE_MAX_LENGTH:
            self.problem(row, "source", _("is %(length)d characters long, at most %(max)d allowed")
                         % {"length": len(full), "max": SOURCE_MAX_LENGTH})
        return full

    def code(self, record: dict, row: Any, seen: set[str], key: str = "code", max_length: int = 64) -> str:
        code = self.text(record, row, key, max_length=max_length)
        if code and not SLUG.match(code):
            self.problem(row, key, _("%(code)r may hold only lower-case letters, digits, '-' and '_'") % {"code": code})
        if code and code in seen:
            self.problem(row, key, _("%(code)r appears twice") % {"code": code})
        seen.add(code)
        return code

    def languages(self, record: dict, row: Any, key: str, languages=LANGUAGES, max_length: int = 200) -> dict[str, str]:
        value = record.get(key)
        if not isinstance(value, dict):
            self.problem(row, key, _("must give the text per language (%(languages)s)")
                         % {"languages": ", ".join(languages)})
            return {lang: "" for lang in languages}
        return {lang: self.text(value, row, lang, max_length=max_length, label=f"{key}.{lang}") for lang in languages}

    def whole_number(self, value: Any, row: Any, key: str, *, allow_null: bool = False, minimum: int = 0) -> int | None:
        if value is None or value == "":
            if not allow_null:
                self.problem(row, key, _("is missing"))
            return None
        is_digits = isinstance(value, str) and value.strip().isdigit()
        if isinstance(value, bool) or not (isinstance(value, int) or is_digits):
            self.problem(row, key, _("must be a whole number, not %(value)r") % {"value": value})
            return None
        number = int(value)
        if number < minimum:
            self.problem(row, key, _("must be at least %(minimum)d, not %(value)d")
                         % {"minimum": minimum, "value": number})
            return None
        return number

    def choice(self, value: Any, row: Any, key: str, allowed: list[str]) -> str:
        if value not in allowed:
            self.problem(row, key, _("%(value)r is not one of %(allowed)s")
                         % {"value": value, "allowed": ", ".join(map(repr, allowed))})
            return ""
        return value

    def records(self, document: Any, key: str = "records") -> list[dict]:
        items = document.get(key) if isinstance(document, dict) else None
        if not isinstance(items, list) or not items:
            self.problem("", key, _("the file must hold a non-empty list '%(key)s'") % {"key": key})
            return []
        bad = [i for i, item in enumerate(items, 1) if not isinstance(item, dict)]
        for index in bad:
            self.problem(index, "", _("each entry must be a mapping of fields"))
        return [item for item in items if isinstance(item, dict)]


def within_rounding(difference: int | Decimal, summands: int) -> bool:
    """Whether a sum of printed figures may differ from a printed total by rounding alone.

    The documents print every figure rounded to its last digit (whole euro, whole EUR million), so
    each summand and the total carry at most half a unit of rounding: the sum of ``summands`` figures
    may miss the total by at most ``(summands + 1) / 2`` units. Any larger difference is a misread or
    edited figure.
    """
    return abs(difference) * 2 <= summands + 1


def _load_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        problems.append(Problem(path.name, "", "", _("the file is missing")))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = f"line {mark.line + 1}" if mark else ""
        message = _("is not valid YAML: %(error)s") % {"error": getattr(error, "problem", error)}
        problems.append(Problem(path.name, row, "", message))
    return None


def _synonyms(check: _Checker, record: dict, row: str) -> dict[str, list[str]]:
    value = record.get("synonyms")
    result = {}
    for lang in LANGUAGES:
        terms = value.get(lang) if isinstance(value, dict) else None
        if not isinstance(terms, list) or not terms:
            check.problem(row, f"synonyms.{lang}", _("must be a non-empty list of terms"))
            result[lang] = []
            continue
        clean = []
        for term in terms:
            if not isinstance(term, str) or not term.strip():
                check.problem(row, f"synonyms.{lang}", _("%(term)r is not a term") % {"term": term})
            elif term.strip().casefold() in {t.casefold() for t in clean}:
                check.problem(row, f"synonyms.{lang}", _("%(term)r appears twice") % {"term": term})
            else:
                clean.append(term.strip())
        result[lang] = clean
    return result


def _read_portfolios(data_dir: Path, problems: list[Problem]) -> list[dict]:
    check = _Checker(PORTFOLIOS, problems)
    document = _load_yaml(data_dir / PORTFOLIOS, problems)
    if document is None:
        return []
    records, seen = [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        name = check.languages(record, row, "name")
        records.append({
            "code": check.code(record, row, seen),
            "name_nl": name["nl"], "name_en": name["en"], "name_fr": name["fr"],
            "order": check.whole_number(record.get("order"), row, "order") or 0,
            "source": check.source(record, row),
        })
    return records


def _read_concepts(data_dir: Path, file: str, problems: list[Problem], portfolio_codes: set[str] | None) -> list[dict]:
    """Focus domains (with kind and portfolio) when ``portfolio_codes`` is given, else CapTechs."""
    check = _Checker(file, problems)
    document = _load_yaml(data_dir / file, problems)
    if document is None:
        return []
    synonyms_source = check.text(document, "", "synonyms_source")
    records, seen = [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        label = check.languages(record, row, "label")
        values = {
            "code": check.code(record, row, seen),
            "label_nl": label["nl"], "label_en": label["en"], "label_fr": label["fr"],
            "order": check.whole_number(record.get("order"), row, "order") or 0,
            "source": check.source(record, row, f"synonyms: {synonyms_source}" if synonyms_source else ""),
            "domain_kind": "",
            "portfolio": None,
            "description_nl": "", "description_en": "",
        }
        for lang, terms in _synonyms(check, record, row).items():
            values[f"synonyms_{lang}"] = terms
        if "description" in record:
            description = check.languages(record, row, "description", languages=("nl", "en"), max_length=2000)
            values["description_nl"], values["description_en"] = description["nl"], description["en"]
        if portfolio_codes is not None:
            values["domain_kind"] = check.choice(record.get("kind"), row, "kind", list(DomainKind.values))
            portfolio = check.text(record, row, "portfolio")
            if portfolio and portfolio not in portfolio_codes:
                check.problem(row, "portfolio", _("unknown portfolio %(code)r (not in %(file)s)")
                              % {"code": portfolio, "file": PORTFOLIOS})
            values["portfolio"] = portfolio
        records.append(values)
    return records


def _read_capabilities(data_dir: Path, problems: list[Problem]) -> tuple[list[dict], dict[str, int]]:
    """The Strategic Vision 2025 portfolio; checks the hierarchy and that every level adds up."""
    check = _Checker(CAPABILITIES, problems)
    path = data_dir / CAPABILITIES
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != CAPABILITY_COLUMNS:
                check.problem(1, "", _("the header must be %(columns)s") % {"columns": ",".join(CAPABILITY_COLUMNS)})
                return [], {}
            rows = [(number, row) for number, row in enumerate(reader, start=2)]
    except FileNotFoundError:
        check.problem("", "", _("the file is missing"))
        return [], {}

    records, by_code, seen, totals = [], {}, set(), {}
    allowed_levels = ["total", *NeedLevel.values]
    for number, row in rows:
        if None in row or any(value is None for value in row.values()):
            check.problem(number, "", _("must have exactly %(expected)d columns")
                          % {"expected": len(CAPABILITY_COLUMNS)})
            continue
        level = check.choice(row["level"], number, "level", allowed_levels)
        code = check.code(row, number, seen, max_length=120)
        name = check.text(row, number, "name", max_length=300)
        committed = check.whole_number(row["committed_eur"], number, "committed_eur")
        paid = check.whole_number(row["paid_eur"], number, "paid_eur")
        year = check.whole_number(row["first_commitment_year"], number, "first_commitment_year", allow_null=True)
        if level == NeedLevel.ITEM and year is None and row["first_commitment_year"] == "":
            check.problem(number, "first_commitment_year", _("a line item needs its first commitment year"))
        if year is not None and not 2000 <= year <= 2100:
            check.problem(number, "first_commitment_year", _("%(year)d is not a plausible year") % {"year": year})
        if level != NeedLevel.ITEM and row["first_commitment_year"]:
            check.problem(number, "first_commitment_year", _("only line items have a first commitment year"))
        flag = check.choice(row["consolidated_development"], number, "consolidated_development", ["yes", "no"])
        parent = row["parent_code"]
        if level in PARENT_LEVEL:
            parent_record = by_code.get(parent)
            if parent_record is None:
                check.problem(number, "parent_code", _("unknown parent %(code)r (a parent must come before its children)")
                              % {"code": parent})
            elif parent_record["level"] != PARENT_LEVEL[level]:
                check.problem(number, "parent_code",
                              _("the parent of a %(level)s must be a %(parent)s, %(code)r is a %(actual)s")
                              % {"level": level, "parent": PARENT_LEVEL[level], "code": parent,
                                 "actual": parent_record["level"]})
        elif level == "total" and parent:
            check.problem(number, "parent_code", _("the total row has no parent"))
        record = {
            "row": number, "level": level, "code": code, "parent": parent, "name": name,
            "first_commitment_year": year, "committed_eur": committed, "paid_eur": paid,
            "consolidated_development": flag == "yes",
            "order": check.whole_number(row["order"], number, "order") or 0,
            "source": check.source(row, number),
        }
        by_code.setdefault(code, record)
        if level == "total":
            totals = {"committed_eur": committed, "paid_eur": paid, "row": number}
        else:
            records.append(record)
    if not totals:
        check.problem("", "level", _("the grand total row (level 'total') is missing"))
    if any(p.file == CAPABILITIES for p in problems):
        return records, totals  # the sums are meaningless on broken rows

    # Amounts are printed rounded to the euro: see within_rounding.
    children = defaultdict(list)
    for record in records:
        children[record["parent"]].append(record)
    parents = [*records, {**totals, "code": "total", "level": "total"}]
    for parent in parents:
        kids = children.get(parent["code"], [])
        if parent["level"] == NeedLevel.ITEM:
            continue
        if not kids:
            check.problem(parent.get("row", ""), "code", _("%(code)r has no children") % {"code": parent["code"]})
            continue
        for column in ("committed_eur", "paid_eur"):
            total = sum(kid[column] for kid in kids)
            difference = total - parent[column]
            if not within_rounding(difference, len(kids)):
                check.problem(parent.get("row", ""), column, _(
                    "%(code)r: its %(count)d %(level)s rows add up to %(sum)s euro, it shows %(shown)s euro "
                    "(difference %(difference)s, more than rounding to the euro explains)"
                ) % {"code": parent["code"], "count": len(kids), "level": kids[0]["level"], "sum": f"{total:,}",
                     "shown": f"{parent[column]:,}", "difference": f"{difference:+,}"})
    return records, totals


def _decimal(check: _Checker, value: Any, row: Any, key: str) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        check.problem(row, key, _("must be a number, not %(value)r") % {"value": value})
        return None
    if not number.is_finite() or isinstance(value, bool):
        check.problem(row, key, _("must be a number, not %(value)r") % {"value": value})
        return None
    return number


def _line(check: _Checker, record: dict, row: Any) -> str:
    """A line reference: a number or a range such as '3084-3085'."""
    value = record.get("line")
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"\d+(-\d+)?", text):
        check.problem(row, "line", _("must be a line number or range, not %(value)r") % {"value": value})
    return text


def _read_trajectory(data_dir: Path, problems: list[Problem]) -> list[dict]:
    check = _Checker(TRAJECTORY, problems)
    document = _load_yaml(data_dir / TRAJECTORY, problems)
    if document is None:
        return []
    document_source = check.text(document, "", "source_document")
    series_list = check.records(document, "series")
    names = [s.get("name") for s in series_list]
    points, values_by_series, parts = [], {}, defaultdict(list)
    for order, series in enumerate(series_list, start=1):
        name = check.text(series, order, "name", max_length=200)
        row = name or order
        if names.count(name) > 1:
            check.problem(row, "name", _("the series appears twice"))
        unit = check.text(series, row, "unit", max_length=40)
        line = _line(check, series, row)
        if series.get("part_of") is not None:
            if series["part_of"] not in names:
                check.problem(row, "part_of", _("unknown series %(name)r") % {"name": series["part_of"]})
            else:
                parts[series["part_of"]].append(name)
        values = series.get("values")
        if not isinstance(values, dict) or not values:
            check.problem(row, "values", _("must map each year to a value"))
            continue
        values_by_series[name] = {}
        for year, raw in values.items():
            year_number = check.whole_number(year, row, "values", minimum=1900)
            value = _decimal(check, raw, row, f"values.{year}")
            if year_number is None or value is None:
                continue
            values_by_series[name][year_number] = value
            points.append({
                "series": name, "year": year_number, "value": value, "unit": unit, "order": order,
                "source": f"{document_source}, line {line}" if document_source else "",
            })
    for total_name, part_names in parts.items():
        total = values_by_series.get(total_name, {})
        for year, value in sorted(total.items()):
            summed = sum(values_by_series.get(part, {}).get(year, Decimal(0)) for part in part_names)
            # Printed in whole EUR million, so rounding alone may leave a unit or two (2028: 13,992 vs 13,991).
            if not within_rounding(summed - value, len(part_names)):
                check.problem(total_name, f"values.{year}", _(
                    "the %(count)d series that are part of it add up to %(sum)s, it shows %(shown)s "
                    "(more than rounding explains)"
                ) % {"count": len(part_names), "sum": summed, "shown": value})
    return points


def _read_budget(data_dir: Path, problems: list[Problem]) -> tuple[list[dict], list[dict]]:
    check = _Checker(BUDGET, problems)
    document = _load_yaml(data_dir / BUDGET, problems)
    if document is None:
        return [], []
    document_source = check.text(document, "", "source_document")
    footnotes = document.get("footnotes") if isinstance(document.get("footnotes"), dict) else {}
    for mark, note in footnotes.items():
        if not isinstance(note, dict) or not str(note.get("text") or "").strip() or not note.get("lines"):
            check.problem(f"footnote {mark}", "text", _("a footnote needs its text and lines"))
    totals_block = document.get("totals") if isinstance(document.get("totals"), dict) else {}
    totals = {}
    for year, amount in (totals_block.get("amounts") or {}).items():
        year_number = check.whole_number(year, "totals", "amounts", minimum=1900)
        amount_number = check.whole_number(amount, "totals", f"amounts.{year}")
        if year_number is not None and amount_number is not None:
            totals[year_number] = amount_number
    if not totals:
        check.problem("totals", "amounts", _("the 'Totaal' row per year is missing"))

    lines, amounts, seen = [], [], set()
    sums: dict[int, int] = defaultdict(int)
    for record in check.records(document, "lines"):
        row = record.get("code") or "?"
        code = check.code(record, row, seen, max_length=80)
        name = check.languages(record, row, "name", languages=("nl", "en"), max_length=300)
        lines.append({
            "code": code, "name_nl": name["nl"], "name_en": name["en"],
            "category": check.choice(record.get("category"), row, "category", list(BudgetCategory.values)),
            "base_amount_eur": check.whole_number(record.get("base_amount_eur"), row, "base_amount_eur",
                                                  allow_null=True),
            "notes": check.text(record, row, "notes", required=False, max_length=5000),
            "order": check.whole_number(record.get("order"), row, "order") or 0,
            "source": check.source(record, row),
        })
        years = set()
        if not isinstance(record.get("amounts"), list) or not record["amounts"]:
            check.problem(row, "amounts", _("a budget line needs its amounts per year"))
        for entry in record.get("amounts") or []:
            if not isinstance(entry, dict):
                check.problem(row, "amounts", _("each amount must be a mapping with year, amount, line"))
                continue
            year = check.whole_number(entry.get("year"), row, "amounts.year", minimum=1900)
            if year in years:
                check.problem(row, "amounts.year", _("%(year)s appears twice") % {"year": year})
            years.add(year)
            where = f"{row} {year}"
            amount = check.whole_number(entry.get("amount"), where, "amount", allow_null=True)
            mark = entry.get("footnote")
            note, note_lines = "", ""
            if mark is not None:
                if mark not in footnotes or not isinstance(footnotes[mark], dict):
                    check.problem(where, "footnote", _("unknown footnote %(mark)r") % {"mark": mark})
                else:
                    text = str(footnotes[mark].get("text") or "").strip()
                    note_lines = f"; footnote {mark}, lines {footnotes[mark].get('lines')}"
                    note = f"{'Zie ' if amount is None else ''}{mark} {text}"
            if amount is None and mark is None:
                check.problem(where, "amount", _("an empty amount needs the footnote the figure refers to ('Zie ...')"))
            line = _line(check, entry, where)
            amounts.append({
                "line": code, "year": year, "amount_eur": amount, "note": note,
                "source": f"{document_source}, line {line}{note_lines}" if document_source else "",
            })
            if year is not None and amount is not None:
                sums[year] += amount
    for year in sorted(set(totals) | set(sums)):
        if sums.get(year, 0) != totals.get(year):
            check.problem("totals", f"amounts.{year}", _(
                "the lines add up to %(sum)s euro in %(year)d, the 'Totaal' row shows %(total)s euro"
            ) % {"sum": f"{sums.get(year, 0):,}", "year": year, "total": f"{totals[year]:,}" if year in totals else "-"})
    return lines, amounts


def _read_kpis(data_dir: Path, problems: list[Problem]) -> list[dict]:
    check = _Checker(KPIS, problems)
    document = _load_yaml(data_dir / KPIS, problems)
    if document is None:
        return []
    records, seen = [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        group = check.languages(record, row, "group", languages=("nl", "en"))
        name = check.languages(record, row, "name", languages=("nl", "en"), max_length=500)
        kpa = check.languages(record, row, "kpa", languages=("nl", "en"), max_length=300)
        records.append({
            "code": check.code(record, row, seen, max_length=80),
            "group_nl": group["nl"], "group_en": group["en"],
            "name_nl": name["nl"], "name_en": name["en"],
            "kpa": kpa["nl"], "kpa_en": kpa["en"],
            "kind": check.choice(record.get("kind", ""), row, "kind", ["", *KPI.Kind.values]),
            "order": check.whole_number(record.get("order"), row, "order") or 0,
            "source": check.source(record, row),
        })
    return records


def _read_instruments(data_dir: Path, problems: list[Problem]) -> list[dict]:
    check = _Checker(INSTRUMENTS, problems)
    document = _load_yaml(data_dir / INSTRUMENTS, problems)
    if document is None:
        return []
    records, seen = [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        name = check.languages(record, row, "name", languages=("nl", "en"), max_length=300)
        description = check.languages(record, row, "description", languages=("nl", "en"), max_length=5000)
        url = check.text(record, row, "url", required=False, max_length=500)
        if url and not URL.match(url):
            check.problem(row, "url", _("%(url)r is not an http(s) address") % {"url": url})
        records.append({
            "code": check.code(record, row, seen, max_length=80),
            "name_nl": name["nl"], "name_en": name["en"],
            "level": check.choice(record.get("level"), row, "level", list(InstrumentLevel.values)),
            "kind": check.choice(record.get("kind"), row, "kind", list(InstrumentKind.values)),
            "owner": check.text(record, row, "owner", max_length=300),
            "description_nl": description["nl"], "description_en": description["en"],
            "url": url,
            "source": check.source(record, row),
        })
    return records


def _codes(check: _Checker, record: dict, row: Any, key: str, allowed, *, label: str | None = None) -> list[str]:
    """An optional list of codes, each one of ``allowed``, none twice."""
    value = record.get(key)
    label = label or key
    if value is None:
        return []
    if not isinstance(value, list):
        check.problem(row, label, _("must be a list of codes"))
        return []
    allowed = list(allowed)
    clean = []
    for item in value:
        if item not in allowed:
            check.problem(row, label, _("%(value)r is not one of %(allowed)s")
                          % {"value": item, "allowed": ", ".join(map(repr, allowed))})
        elif item in clean:
            check.problem(row, label, _("%(value)r appears twice") % {"value": item})
        else:
            clean.append(item)
    return clean


def _sourced(check: _Checker, block: dict, row: Any, label: str, has_facts: bool) -> str:
    """The ``source`` of a block of facts: required as soon as the block states a fact."""
    source = check.text(block, row, "source", required=has_facts, max_length=SOURCE_MAX_LENGTH,
                        label=f"{label}.source")
    if source and not has_facts:
        check.problem(row, f"{label}.source", _("a source without facts: state the facts or drop the source"))
    return source


def _optional_languages(check: _Checker, record: dict, row: Any, key: str, max_length: int = 5000) -> dict[str, str]:
    if record.get(key) is None:
        return {"nl": "", "en": ""}
    return check.languages(record, row, key, languages=("nl", "en"), max_length=max_length)


def _read_instrument_guidance(data_dir: Path, problems: list[Problem], instrument_codes: set[str],
                              domain_codes: set[str]) -> tuple[list[dict], list[dict]]:
    """Per instrument: phases, offer kinds, who may apply, TRL, what it offers, aid rates; each group
    of facts with its source. Every instrument of instruments.yaml must have a record."""
    check = _Checker(INSTRUMENT_GUIDANCE, problems)
    document = _load_yaml(data_dir / INSTRUMENT_GUIDANCE, problems)
    if document is None:
        return [], []
    offer_kinds = [k for k in InstrumentKind.values if k != InstrumentKind.MIXED]
    sizes = [s for s in RateSize.values if s != RateSize.ANY]
    regions = [r for r in Region.values if r]
    records, rates, seen = [], [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        code = check.code(record, row, seen, max_length=80)
        if code and code not in instrument_codes:
            check.problem(row, "code", _("unknown instrument %(code)r (not in %(file)s)")
                          % {"code": code, "file": INSTRUMENTS})
        check.source(record, row)
        phases = _codes(check, record, row, "phases", Phase.values)
        applicants = record.get("applicants") or {}
        if not isinstance(applicants, dict):
            check.problem(row, "applicants", _("must be a mapping (kinds, sizes, regions, startups_only, note, source)"))
            applicants = {}
        kinds = _codes(check, applicants, row, "kinds", ActorKind.values, label="applicants.kinds")
        applicant_sizes = _codes(check, applicants, row, "sizes", sizes, label="applicants.sizes")
        applicant_regions = _codes(check, applicants, row, "regions", regions, label="applicants.regions")
        startups_only = applicants.get("startups_only", False)
        if not isinstance(startups_only, bool):
            check.problem(row, "applicants.startups_only", _("must be true or false"))
            startups_only = False
        note = _optional_languages(check, applicants, row, "note")
        has_applicant_facts = bool(kinds or applicant_sizes or applicant_regions or startups_only or note["nl"])
        trl = record.get("trl") or {}
        trl_min = check.whole_number(trl.get("min"), row, "trl.min", allow_null=True, minimum=1)
        trl_max = check.whole_number(trl.get("max"), row, "trl.max", allow_null=True, minimum=1)
        for bound, value in (("trl.min", trl_min), ("trl.max", trl_max)):
            if value is not None and value > 9:
                check.problem(row, bound, _("a TRL is between 1 and 9, not %(value)d") % {"value": value})
        if trl_min is not None and trl_max is not None and trl_min > trl_max:
            check.problem(row, "trl.max", _("the highest TRL is below the lowest"))
        offers = record.get("offers") or {}
        offers_text = {lang: check.text(offers, row, lang, required=bool(offers), max_length=5000,
                                        label=f"offers.{lang}") for lang in ("nl", "en")}
        amount = check.whole_number(offers.get("amount_max_eur"), row, "offers.amount_max_eur", allow_null=True)
        domains = _codes(check, record, row, "domains", sorted(domain_codes))
        programmes = record.get("call_programmes") or []
        if not isinstance(programmes, list) or not all(isinstance(p, str) and p.strip() for p in programmes):
            check.problem(row, "call_programmes", _("must be a list of programme names"))
            programmes = []
        partner_search = record.get("partner_search", False)
        if not isinstance(partner_search, bool):
            check.problem(row, "partner_search", _("must be true or false"))
            partner_search = False
        records.append({
            "instrument": code,
            "phases": phases,
            "phases_source": check.text(record, row, "phases_source", required=bool(phases),
                                        max_length=SOURCE_MAX_LENGTH),
            "offer_kinds": _codes(check, record, row, "offer_kinds", offer_kinds),
            "partner_search": partner_search,
            "applicant_kinds": kinds, "applicant_sizes": applicant_sizes, "applicant_regions": applicant_regions,
            "startups_only": startups_only,
            "applicants_note_nl": note["nl"], "applicants_note_en": note["en"],
            "applicants_source": _sourced(check, applicants, row, "applicants", has_applicant_facts),
            "trl_min": trl_min, "trl_max": trl_max,
            "trl_source": _sourced(check, trl, row, "trl", trl_min is not None or trl_max is not None),
            "offers_nl": offers_text["nl"], "offers_en": offers_text["en"], "amount_max_eur": amount,
            "offers_source": _sourced(check, offers, row, "offers", bool(offers_text["nl"] or amount is not None)),
            "domains": domains,
            "domains_source": check.text(record, row, "domains_source", required=bool(domains),
                                         max_length=SOURCE_MAX_LENGTH),
            "call_programmes": [p.strip() for p in programmes],
        })
        rates.extend(_read_rates(check, record, row, code))
    missing = instrument_codes - seen
    for code in sorted(missing):
        check.problem(code, "code", _("instrument %(code)r of %(file)s has no record here")
                      % {"code": code, "file": INSTRUMENTS})
    return records, rates


def _read_rates(check: _Checker, record: dict, row: str, code: str) -> list[dict]:
    """Aid rates of one instrument; ``sizes`` expands to one row per size. A rate may be empty (the
    source names the case but gives no figure) only with a note saying so."""
    value = record.get("rates")
    if value is None:
        return []
    if not isinstance(value, list):
        check.problem(row, "rates", _("must be a list of rates"))
        return []
    rows, keys = [], set()
    for index, rate in enumerate(value, 1):
        where = f"{row} rate {index}"
        if not isinstance(rate, dict):
            check.problem(where, "", _("each rate must be a mapping"))
            continue
        component = rate.get("component", RateComponent.BASE)
        check.choice(component, where, "component", list(RateComponent.values))
        project_kind = rate.get("project_kind", ProjectKind.ANY)
        check.choice(project_kind, where, "project_kind", list(ProjectKind.values))
        sizes = _codes(check, rate, where, "sizes", RateSize.values) or [RateSize.ANY]
        percent = None
        if rate.get("max_percent") is not None:
            percent = _decimal(check, rate["max_percent"], where, "max_percent")
            if percent is not None and not 0 <= percent <= 100:
                check.problem(where, "max_percent", _("a rate is between 0 and 100, not %(value)s") % {"value": percent})
        note = _optional_languages(check, rate, where, "note")
        if percent is None and not note["nl"]:
            check.problem(where, "note", _("a rate without a figure needs a note saying what the source leaves open"))
        regime = _optional_languages(check, rate, where, "regime", max_length=300)
        source = check.text(rate, where, "source", max_length=SOURCE_MAX_LENGTH)
        for size in sizes:
            key = (project_kind, size, component)
            if key in keys:
                check.problem(where, "sizes", _("the rate for %(key)s appears twice") % {"key": "/".join(key)})
            keys.add(key)
            rows.append({
                "instrument": code, "project_kind": project_kind, "size": size, "component": component,
                "max_percent": percent, "regime_nl": regime["nl"], "regime_en": regime["en"],
                "note_nl": note["nl"], "note_en": note["en"], "source": source,
            })
    return rows


def _read_contact_points(data_dir: Path, problems: list[Problem], instrument_codes: set[str]) -> list[dict]:
    check = _Checker(CONTACT_POINTS, problems)
    document = _load_yaml(data_dir / CONTACT_POINTS, problems)
    if document is None:
        return []
    records, seen = [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        name = check.languages(record, row, "name", languages=("nl", "en"), max_length=300)
        role = check.languages(record, row, "role", languages=("nl", "en"), max_length=2000)
        url = check.text(record, row, "url", required=False, max_length=500)
        if url and not URL.match(url):
            check.problem(row, "url", _("%(url)r is not an http(s) address") % {"url": url})
        instruments = _codes(check, record, row, "instruments", sorted(instrument_codes))
        records.append({
            "code": check.code(record, row, seen, max_length=80),
            "name_nl": name["nl"], "name_en": name["en"],
            "organisation": check.text(record, row, "organisation", max_length=300),
            "level": check.choice(record.get("level"), row, "level", list(InstrumentLevel.values)),
            "role_nl": role["nl"], "role_en": role["en"], "url": url,
            "goals": _codes(check, record, row, "goals", GOALS),
            "phases": _codes(check, record, row, "phases", Phase.values),
            "instruments": instruments,
            "source": check.source(record, row),
        })
    return records


def _read_obligations(data_dir: Path, problems: list[Problem], instrument_codes: set[str]) -> list[dict]:
    check = _Checker(OBLIGATIONS, problems)
    document = _load_yaml(data_dir / OBLIGATIONS, problems)
    if document is None:
        return []
    records, seen = [], set()
    for record in check.records(document):
        row = record.get("code") or "?"
        title = check.languages(record, row, "title", languages=("nl", "en"), max_length=300)
        text = check.languages(record, row, "text", languages=("nl", "en"), max_length=5000)
        lead_time = _optional_languages(check, record, row, "lead_time", max_length=300)
        link = check.text(record, row, "link", required=False, max_length=200)
        if link and not re.fullmatch(r"/[-a-z0-9_/]*", link):
            check.problem(row, "link", _("%(link)r must be a path in VISD Hub, such as /screening/export/") % {"link": link})
        goals = _codes(check, record, row, "goals", GOALS)
        instruments = _codes(check, record, row, "instruments", sorted(instrument_codes))
        if not goals and not instruments:
            check.problem(row, "goals", _("name the goals or the instruments it is shown for"))
        records.append({
            "code": check.code(record, row, seen, max_length=80),
            "title_nl": title["nl"], "title_en": title["en"], "text_nl": text["nl"], "text_en": text["en"],
            "lead_time_nl": lead_time["nl"], "lead_time_en": lead_time["en"],
            "goals": goals, "instruments": instruments,
            "destinations": _codes(check, record, row, "destinations", ["any", "eu", "non_eu"]),
            "link": link,
            "order": check.whole_number(record.get("order", 0), row, "order") or 0,
            "source": check.source(record, row),
        })
    return records


def read_reference_data(data_dir: Path) -> ReferenceData:
    """Read and check every file in ``data_dir``; raise ``ReferenceDataError`` on any problem."""
    problems: list[Problem] = []
    data = ReferenceData()
    data.portfolios = _read_portfolios(data_dir, problems)
    portfolio_codes = {p["code"] for p in data.portfolios}
    data.focus_domains = _read_concepts(data_dir, FOCUS_DOMAINS, problems, portfolio_codes)
    data.captechs = _read_concepts(data_dir, CAPTECHS, problems, None)
    data.capability_needs, data.capability_totals = _read_capabilities(data_dir, problems)
    data.trajectory_points = _read_trajectory(data_dir, problems)
    data.budget_lines, data.budget_amounts = _read_budget(data_dir, problems)
    data.kpis = _read_kpis(data_dir, problems)
    data.instruments = _read_instruments(data_dir, problems)
    instrument_codes = {i["code"] for i in data.instruments if i["code"]}
    data.instrument_guidance, data.aid_rates = _read_instrument_guidance(
        data_dir, problems, instrument_codes, {d["code"] for d in data.focus_domains})
    data.contact_points = _read_contact_points(data_dir, problems, instrument_codes)
    data.obligations = _read_obligations(data_dir, problems, instrument_codes)
    if problems:
        raise ReferenceDataError(problems)
    return data
