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

from visd.capabilities.models import NeedLevel
from visd.funding.models import InstrumentKind, InstrumentLevel
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
FILES = [PORTFOLIOS, FOCUS_DOMAINS, CAPTECHS, CAPABILITIES, TRAJECTORY, BUDGET, KPIS, INSTRUMENTS]

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
    if problems:
        raise ReferenceDataError(problems)
    return data
