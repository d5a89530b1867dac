"""What the importers say about bad input: one ``Problem`` per defect, with the file, the row and
the column, so that a user can find and fix every defect in one pass."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Problem:
    """One defect in an input file. ``row`` counts like a spreadsheet (the CSV header is row 1, the
    first record row 2; for JSON Lines it is the line number); ``None`` means the whole file."""

    file: str
    code: str
    message: str
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


class ProblemList(list):
    """A list of problems with a shorthand to add one."""

    def add(self, file: str, code: str, message: str, row: int | None = None, column: str | None = None) -> None:
        self.append(Problem(file=file, code=code, message=message, row=row, column=column))


# Names of what ImportRun.counts holds, for people: record types and the notes about input that
# was cleaned rather than refused.
COUNT_LABELS = {
    "projects": gettext_lazy("Projects"),
    "actors": gettext_lazy("Actors"),
    "participations": gettext_lazy("Participations"),
    "calls": gettext_lazy("Calls"),
    "facilities": gettext_lazy("Facilities"),
    "repeated_rows_ignored": gettext_lazy("Rows repeated word for word, read once"),
    "invalid_vat_numbers_ignored": gettext_lazy("VAT numbers that are not VAT numbers, ignored"),
    "invalid_websites_dropped": gettext_lazy("Websites that are not web addresses, dropped"),
    "pics_matched_by_vat_or_kbo": gettext_lazy("New PICs of known organisations (same VAT or enterprise number)"),
    "operator_exact_name": gettext_lazy("Operator linked by exact name"),
    "operator_normalised_name": gettext_lazy("Operator linked by normalised name"),
    "operator_ambiguous": gettext_lazy("Operator not linked: several organisations bear the name"),
    "operator_not_found": gettext_lazy("Operator not identified"),
    "validated_kept": gettext_lazy("Validated by the provider: left as the provider keeps it"),
}


def count_label(key: str) -> str:
    return str(COUNT_LABELS.get(key, key.replace("_", " ")))
