"""VISD Hub's reference data: versioned files under ``data/`` (every record with its source, a
document and line) and the code that checks and loads them.

* ``validation`` reads every file and checks it completely - sources, numbers, parents, and the sums
  the documents allow checking - without touching the database. It returns plain records or raises
  ``ReferenceDataError`` with every problem by file, row and field.
* ``loader`` writes the checked records in one transaction, saving only what changed, and records
  an ``imports.ImportRun``. ``visd load-reference`` is its command.

See docs/reference-data.md for each file, its sources and the decisions taken where a source is silent.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
