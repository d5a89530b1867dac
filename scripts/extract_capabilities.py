#!/usr/bin/env python3
"""Extract the capability portfolio of the Belgian Defence Strategic Vision 2025 into a CSV.

Dev-time tool: the product never reads the policy text at run time, it loads the committed CSV
``src/visd/reference/data/sv2025_capabilities.csv``. This script is how that CSV was made, and
``tests/test_reference_data.py`` runs it again to prove the CSV still matches the document.

The source, ``data/sources/004_029bcd82d3003314.txt``, is text extracted from a PDF:

* the summary table (around line 3987) gives the five dimension totals and ``TOTAAL``;
* the capability tables (lines 4117-4697) interleave with the prose of the other column; a table
  row is ``NAME year committed € paid €`` (items) or ``NAME committed € paid €`` (dimension and
  capability headings, in capitals);
* a long item name wraps: its text lines come first, then a line holding only
  ``year committed € paid €``;
* amounts use '.' as thousands separator; a paid amount printed ``-`` is nil (0 euro).

Usage::

    python scripts/extract_capabilities.py            # rewrite the CSV
    python scripts/extract_capabilities.py --check    # exit 1 when the CSV differs from the text
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_FILE = REPO / "data" / "sources" / "004_029bcd82d3003314.txt"
OUTPUT_FILE = REPO / "src" / "visd" / "reference" / "data" / "sv2025_capabilities.csv"

# The capability tables, 1-based inclusive line numbers (REFERENCE.md: lines 4117-4697).
TABLES_FIRST_LINE = 4100
TABLES_LAST_LINE = 4697
# The summary table "Vastlegging / Vereffening per dimension" and its TOTAAL row.
SUMMARY_FIRST_LINE = 3980
SUMMARY_LAST_LINE = 4000

CONSOLIDATED = "consolidated development"
DOCUMENT = "Belgian Defence Strategic Vision 2025 (data/sources/004_029bcd82d3003314.txt)"
COLUMNS = [
    "level", "code", "parent_code", "name", "first_commitment_year", "committed_eur", "paid_eur",
    "consolidated_development", "order", "source",
]

COMMITTED = r"(?P<committed>\d{1,3}(?:\.\d{3})*)\s*€"
PAID = r"(?P<paid>\d{1,3}(?:\.\d{3})*|-)\s*€"
ITEM_ROW = re.compile(rf"^(?P<name>.*?)\s*(?P<year>20\d\d)\s+{COMMITTED}\s+{PAID}\s*$")
HEADING_ROW = re.compile(rf"^(?P<name>[^a-z€]+?)\s+{COMMITTED}\s+{PAID}\s*$")
SUMMARY_ROW = re.compile(rf"^(?P<name>[A-Z][A-Z &]+?)\s+{COMMITTED}\s+{PAID}\s*$")


class ExtractionError(ValueError):
    """The text does not have the shape this extractor expects; names the line."""


@dataclass
class Row:
    level: str  # total, dimension, capability, item
    code: str
    parent_code: str
    name: str
    first_commitment_year: int | None
    committed_eur: int
    paid_eur: int
    consolidated_development: bool
    order: int
    lines: tuple[int, ...]

    def as_csv(self) -> dict[str, str]:
        lines = ", ".join(str(n) for n in self.lines)
        where = "summary table" if self.level in {"total", "dimension-summary"} else "capability table"
        return {
            "level": self.level,
            "code": self.code,
            "parent_code": self.parent_code,
            "name": self.name,
            "first_commitment_year": "" if self.first_commitment_year is None else str(self.first_commitment_year),
            "committed_eur": str(self.committed_eur),
            "paid_eur": str(self.paid_eur),
            "consolidated_development": "yes" if self.consolidated_development else "no",
            "order": str(self.order),
            "source": f"{DOCUMENT}, {where}, line{'s' if len(self.lines) > 1 else ''} {lines}",
        }


def euros(text: str) -> int:
    """'290.633.200' -> 290633200; '-' (nil in a financial table) -> 0."""
    return 0 if text == "-" else int(text.replace(".", ""))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("²", "2")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def parse_summary(lines: list[str]) -> tuple[dict[str, tuple[int, int, int]], tuple[int, int, int]]:
    """Dimension name -> (committed, paid, line) and the TOTAAL row, from the summary table."""
    dimensions: dict[str, tuple[int, int, int]] = {}
    total = None
    for number in range(SUMMARY_FIRST_LINE, SUMMARY_LAST_LINE + 1):
        match = SUMMARY_ROW.match(lines[number - 1].strip())
        if not match:
            continue
        name, committed, paid = match.group("name").strip(), euros(match.group("committed")), euros(match.group("paid"))
        if name == "TOTAAL":
            total = (committed, paid, number)
        else:
            dimensions[name] = (committed, paid, number)
    if total is None or len(dimensions) != 5:
        raise ExtractionError(
            f"summary table (lines {SUMMARY_FIRST_LINE}-{SUMMARY_LAST_LINE}): expected 5 dimensions and "
            f"a TOTAAL row, found {len(dimensions)} dimensions and {'a' if total else 'no'} TOTAAL row"
        )
    return dimensions, total


def extract(text: str) -> list[Row]:
    """All rows, in document order: the grand total, then each dimension, its capabilities and items."""
    lines = text.splitlines()
    if len(lines) < TABLES_LAST_LINE:
        raise ExtractionError(f"the source has {len(lines)} lines, the tables end at line {TABLES_LAST_LINE}")
    summary, (total_committed, total_paid, total_line) = parse_summary(lines)
    rows = [Row("total", "total", "", "TOTAAL", None, total_committed, total_paid, False, 0, (total_line,))]
    codes: set[str] = set()
    dimension: Row | None = None
    capability: Row | None = None
    pending: list[tuple[int, str]] = []  # text lines since the last table row: a wrapped item name
    order = 0

    def new_code(*parts: str, number: int) -> str:
        code = "-".join(slug(p) for p in parts)[:120].strip("-")
        if code in codes:
            raise ExtractionError(f"line {number}: code {code!r} is not unique")
        codes.add(code)
        return code

    for number in range(TABLES_FIRST_LINE, TABLES_LAST_LINE + 1):
        line = lines[number - 1].strip()
        if not line:
            continue
        item = ITEM_ROW.match(line)
        heading = None if item else HEADING_ROW.match(line)
        if item:
            name_parts = [item.group("name")] if item.group("name") else []
            name_lines = [number]
            if not name_parts:  # the name wrapped onto the preceding text lines
                if not pending or len(pending) > 3:
                    raise ExtractionError(f"line {number}: amounts without an item name before them")
                name_parts = [text for _, text in pending]
                name_lines = [n for n, _ in pending] + [number]
            if capability is None:
                raise ExtractionError(f"line {number}: item before any capability heading")
            printed_name = " ".join(" ".join(name_parts).split())
            # The flag carries "consolidated development"; the code keeps the printed name, so an
            # envelope never collides with its capability ("UNMANNED SYSTEMS").
            consolidated = printed_name.endswith(CONSOLIDATED)
            name = printed_name[: -len(CONSOLIDATED)].strip() if consolidated else printed_name
            order += 1
            rows.append(Row(
                "item", new_code(dimension.name, printed_name, number=number), capability.code, name,
                int(item.group("year")), euros(item.group("committed")), euros(item.group("paid")), consolidated, order,
                tuple(name_lines),
            ))
            pending = []
        elif heading:
            name = " ".join(heading.group("name").split())
            committed, paid = euros(heading.group("committed")), euros(heading.group("paid"))
            order += 1
            if name in summary:
                expected = summary[name][:2]
                if (committed, paid) != expected:
                    raise ExtractionError(
                        f"line {number}: dimension {name} shows {committed} / {paid}, the summary table "
                        f"(line {summary[name][2]}) shows {expected[0]} / {expected[1]}"
                    )
                dimension = Row("dimension", new_code(name, number=number), "total", name, None, committed, paid,
                                False, order, (number, summary[name][2]))
                rows.append(dimension)
                capability = None
            else:
                if dimension is None:
                    raise ExtractionError(f"line {number}: capability {name!r} before any dimension")
                capability = Row("capability", new_code(dimension.name, name, number=number), dimension.code,
                                 name, None, committed, paid, False, order, (number,))
                rows.append(capability)
            pending = []
        else:
            pending.append((number, line))
            # Prose of the other column between tables: only the last few lines can be a wrapped name.
            pending = pending[-3:]
    return rows


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_csv())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE_FILE)
    parser.add_argument("--output", type=Path, default=OUTPUT_FILE)
    parser.add_argument("--check", action="store_true", help="compare with the output file, write nothing")
    args = parser.parse_args(argv)
    rows = extract(args.source.read_text(encoding="utf-8"))
    produced = to_csv(rows)
    counts = {level: sum(r.level == level for r in rows) for level in ("dimension", "capability", "item")}
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != produced:
            print(f"{args.output} differs from what {args.source.name} yields; run without --check", file=sys.stderr)
            return 1
        print(f"{args.output.name} matches the source ({counts})")
        return 0
    args.output.write_text(produced, encoding="utf-8")
    print(f"wrote {args.output} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
