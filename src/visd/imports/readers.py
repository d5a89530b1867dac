"""Reading and checking the cells of input files: pure functions, no database.

Every function that can fail on bad input adds a ``Problem`` and returns ``None`` instead of
raising, so a whole file is checked in one pass and every defect is reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

import ftfy
from ftfy.badness import is_bad
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .problems import ProblemList

COUNTRY_CODES_FILE = Path(__file__).resolve().parent / "data" / "country_codes.tsv"
# How many lines with undecodable bytes are listed before the rest are summed up.
MAX_ENCODING_PROBLEMS = 20


@dataclass
class InputFile:
    """An uploaded or local file: its name (for messages) and its raw bytes."""

    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> InputFile:
        path = Path(path)
        return cls(name=path.name, content=path.read_bytes())


@dataclass
class Record:
    """One CSV record: its spreadsheet row number and its cells by column name."""

    row: int
    cells: dict[str, str]


@dataclass
class Table:
    """A read CSV file: its fields (the header, aliases replaced by their field), its records, and
    the name each field has in the file, for messages."""

    fields: list[str]
    records: Iterator[Record]  # read once, as consumed
    column_of: dict[str, str]


@cache
def country_codes() -> frozenset[str]:
    """The country codes accepted in imports, from the versioned data file (see its header)."""
    codes = set()
    with COUNTRY_CODES_FILE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            codes.add(row["code"].strip())
    return frozenset(codes)


def decode(file: InputFile, problems: ProblemList) -> str | None:
    """The text of a UTF-8 file (a leading byte-order mark is dropped). Invalid bytes are a
    problem of the file, reported by line, never a crash; the file is then not read further."""
    try:
        return file.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    bad_lines = 0
    for line_number, line in enumerate(file.content.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            bad_lines += 1
            if bad_lines <= MAX_ENCODING_PROBLEMS:
                problems.add(
                    file.name, "encoding",
                    _("Not valid UTF-8: byte %(byte)s at line %(line)s, character %(position)s. "
                      "Save the file as UTF-8 and try again.")
                    % {"byte": f"0x{line[error.start]:02X}", "line": line_number, "position": error.start + 1},
                )
    if bad_lines > MAX_ENCODING_PROBLEMS:
        problems.add(file.name, "encoding", _("%(count)s more lines with invalid UTF-8 bytes not listed.")
                     % {"count": bad_lines - MAX_ENCODING_PROBLEMS})
    return None


def detect_delimiter(header_line: str) -> str:
    """';' or ',', whichever separates more fields of the header line (CORDIS uses ';')."""
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def resolve_columns(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Which column of ``header`` holds each field: ``aliases`` gives, per field, the column names
    it has in the known layouts, in order of preference; the first one the header has wins.

    >>> resolve_columns(["projectID", "organisationID"], {"id": ("id", "organisationID")})
    {'id': 'organisationID'}
    >>> resolve_columns(["id"], {"id": ("id", "organisationID")})
    {'id': 'id'}
    """
    present = set(header)
    resolved = {}
    for field_name, names in aliases.items():
        found = next((name for name in names if name in present), None)
        if found is not None:
            resolved[field_name] = found
    return resolved


def read_csv(
    file: InputFile, required: set[str], problems: ProblemList, aliases: dict[str, tuple[str, ...]] | None = None
) -> Table | None:
    """Header and records of a CSV file. Missing required columns and rows whose number of fields
    differs from the header are problems; returns None when the file cannot be read at all.

    ``aliases`` makes the reading header-driven: a field (e.g. ``id``) that a layout names otherwise
    (``organisationID``) is found under any of its names; the records' cells are keyed by the field,
    and a required field is missing only when none of its names is in the header.

    The records are read as they are consumed, straight from the file's bytes: a full CORDIS export
    (about 100 MB) is never held as text or as a list of rows. A row that is not valid CSV ends the
    reading with a problem (the import is then refused, with the problems of the rows before it)."""
    text = decode(file, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(file.name, "empty_file", _("The file is empty."))
        return None
    delimiter = detect_delimiter(text.split("\n", 1)[0])
    del text  # only needed for the checks above: the rows are decoded again as they are read
    stream = io.TextIOWrapper(io.BytesIO(file.content), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as error:
        problems.add(file.name, "csv_syntax", _("The file is not valid CSV: %(error)s") % {"error": error}, row=1)
        return None
    aliases = aliases or {}
    found = resolve_columns(header, aliases)
    missing = sorted(column for column in required if column not in header and column not in found)
    for column in missing:
        names = aliases.get(column, (column,))
        problems.add(file.name, "missing_column",
                     _("Required column '%(column)s' is missing (columns found: %(found)s).")
                     % {"column": "' or '".join(names), "found": ", ".join(header)}, row=1, column=column)
    duplicated = sorted({name for name in header if header.count(name) > 1})
    for column in duplicated:
        problems.add(file.name, "duplicate_column", _("Column '%(column)s' appears more than once.")
                     % {"column": column}, row=1, column=column)
    if missing or duplicated:
        return None
    # Cells are keyed by field: an alias in the header stands for its field.
    rename = {column: field_name for field_name, column in found.items() if column != field_name}
    keys = [rename.get(name, name) for name in header]

    def records():
        try:
            for row_number, fields in enumerate(reader, start=2):
                if not "".join(fields).strip():
                    continue  # blank line
                if len(fields) != len(keys):
                    problems.add(file.name, "field_count",
                                 _("The row has %(found)s fields where the header has %(expected)s "
                                   "(a separator or quote too many or too few?).")
                                 % {"found": len(fields), "expected": len(keys)}, row=row_number)
                    continue
                yield Record(row=row_number, cells=dict(zip(keys, fields, strict=False)))
        except csv.Error as error:
            problems.add(file.name, "csv_syntax", _("The file is not valid CSV: %(error)s") % {"error": error},
                         row=reader.line_num)

    return Table(fields=keys, records=records(), column_of=dict(found))


# ftfy decides whether text may hold mojibake with one regular expression (``ftfy.badness.is_bad``)
# over the whole text, which costs about a millisecond for a CORDIS objective. Every sequence that
# expression matches is at most 7 characters long and holds a non-ASCII character (its character
# classes hold no ASCII character; tests/test_import_layouts.py checks this against ftfy), so it can
# only match within a few characters of a run of non-ASCII characters: searching those stretches is
# enough to know that ftfy would leave the text as it is.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
MOJIBAKE_REACH = 8


def may_hold_mojibake(value: str) -> bool:
    """Whether ftfy's mojibake test finds anything near the text's non-ASCII characters; when it does
    not, ``ftfy.fix_encoding`` returns the text unchanged.

    >>> may_hold_mojibake("Sécurité des réseaux")
    False
    >>> may_hold_mojibake("the projectâ€™s aim")
    True
    """
    stretches: list[list[int]] = []  # each run with its reach, overlapping ones merged
    for run in _NON_ASCII_RUN.finditer(value):
        start, end = max(run.start() - MOJIBAKE_REACH, 0), run.end() + MOJIBAKE_REACH
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = end
        else:
            stretches.append([start, end])
    return any(is_bad(value[start:end]) for start, end in stretches)


def clean_text(value: str | None) -> str:
    """Trimmed text with mojibake (UTF-8 read as Windows-1252, e.g. 'â€™' for '’') repaired.
    Only non-ASCII text can carry mojibake, so ASCII skips the (slower) repair, and so does text
    in which ftfy's test finds nothing (:func:`may_hold_mojibake`)."""
    value = (value or "").strip()
    if value and not value.isascii() and may_hold_mojibake(value):
        value = ftfy.fix_encoding(value)
    return value


def unescape_double_quoted(value: str) -> str:
    '''One level of CSV quoting undone where the source quoted a value twice.

    Some CORDIS values are escaped twice in the published files, so that the csv module yields
    ``"ACADEMIA TEHNICA MILITARA ""FERDINAND I"""``, quotes and doubled quotes included. A value that
    starts and ends with a double quote, contains a doubled quote inside, and whose inside has no
    quote that is not doubled, is such a value: the outer quotes go and each doubled quote becomes one
    (``ACADEMIA TEHNICA MILITARA "FERDINAND I"``). Anything else is returned unchanged. The repair
    depends on the cell only, so importing the same file again gives the same values.'''
    if len(value) < 4 or value[0] != '"' or value[-1] != '"':
        return value
    inside = value[1:-1]
    if '""' not in inside or '"' in inside.replace('""', ""):
        return value
    return inside.replace('""', '"').strip()


class CellReader:
    """Reads the typed cells of one record, adding a problem for each bad cell."""

    def __init__(self, file_name: str, record: Record, problems: ProblemList, column_of: dict[str, str] | None = None):
        self.file_name = file_name
        self.record = record
        self.problems = problems
        self.column_of = column_of or {}

    def problem(self, column: str, code: str, message: str) -> None:
        """A problem of a cell, named by the column as the file names it."""
        self.problems.add(self.file_name, code, message, row=self.record.row,
                          column=self.column_of.get(column, column))

    def raw(self, column: str) -> str:
        return (self.record.cells.get(column) or "").strip()

    def text(self, column: str, max_length: int | None = None, required: bool = False) -> str:
        """A cleaned text cell: trimmed, mojibake repaired (:func:`clean_text`), and a value quoted twice
        in the source unescaped once (:func:`unescape_double_quoted`)."""
        value = unescape_double_quoted(clean_text(self.record.cells.get(column)))
        if required and not value:
            self.problem(column, "required", _("A value is required."))
        if max_length is not None and len(value) > max_length:
            self.problem(column, "too_long", _("The value has %(length)s characters; at most %(max)s are allowed.")
                         % {"length": len(value), "max": max_length})
            value = value[:max_length]
        return value

    def amount(self, column: str) -> Decimal | None:
        """A non-negative amount in euro ('1234', '1234.5' or '1234,5'), rounded to the cent."""
        value = self.raw(column)
        if not value:
            return None
        if re.fullmatch(r"\d+(?:[.,]\d+)?", value):
            try:
                amount = Decimal(value.replace(",", ".")).quantize(Decimal("0.01"))
            except InvalidOperation:
                amount = None
            if amount is not None and amount < Decimal("1e14"):
                return amount
        self.problem(column, "bad_number",
                     _("'%(value)s' is not an amount in euro: write digits with an optional decimal point, "
                       "e.g. 1250000.50.") % {"value": value})
        return None

    def date(self, column: str) -> date | None:
        value = self.raw(column)
        if not value:
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(column, "bad_date", _("'%(value)s' is not a date in the form YYYY-MM-DD.") % {"value": value})
        return None

    def boolean(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value in {"", "false", "0", "no"}:
            return False
        if value in {"true", "1", "yes"}:
            return True
        self.problem(column, "bad_boolean", _("'%(value)s' is not true or false.") % {"value": self.raw(column)})
        return False

    def country(self, column: str, required: bool = True) -> str:
        value = self.raw(column).upper()
        if not value:
            if required:
                self.problem(column, "required", _("A country code is required."))
            return ""
        if value not in country_codes():
            self.problem(column, "unknown_country",
                         _("'%(value)s' is not a known country code (ISO 3166-1 alpha-2, or EL, UK as the EU "
                           "writes them).") % {"value": self.raw(column)})
            return ""
        return value

    def choice(self, column: str, choices: dict[str, str], required: bool = False) -> str | None:
        """The mapped value of a coded cell (e.g. activityType PRC -> company)."""
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, "required", _("A value is required."))
            return None
        if value not in choices:
            self.problem(column, "unknown_code", _("'%(value)s' is not one of: %(choices)s.")
                         % {"value": value, "choices": ", ".join(choices)})
            return None
        return choices[value]


@lru_cache(maxsize=65536)  # a pure function of the cell; an organisation's website repeats on each of its rows
def normalise_website(value: str) -> str:
    """A website as an absolute URL ('www.x.be' -> 'https://www.x.be'), or '' when it is not a
    valid URL even then: a bad link is dropped rather than stored."""
    value = value.strip()
    if not value:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "https://" + value.lstrip("/")
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value
