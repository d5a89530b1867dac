"""Cell values for CSV and XLSX exports: the one place that keeps a record's text from becoming a
spreadsheet formula (CSV/formula injection). Every export passes each cell through ``safe_cell``.

OWASP's advice: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with a single quote, so a spreadsheet shows it as text instead of evaluating it. Numbers,
dates and empty cells are left as they are (a negative number is a number, not a formula).

>>> safe_cell('=HYPERLINK("http://evil.example","click")')
'\\'=HYPERLINK("http://evil.example","click")'
>>> [safe_cell(v) for v in ("+1", "-x", "@SUM(A1)", "\\tx", "\\rx", "Orbitix", "", None, -5, 2.5)]
["'+1", "'-x", "'@SUM(A1)", "'\\tx", "'\\rx", 'Orbitix', '', None, -5, 2.5]
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write in a cell: text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values) -> list:
    """``safe_cell`` for each value of a row."""
    return [safe_cell(value) for value in values]
