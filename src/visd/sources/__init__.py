"""The five policy documents VISD Hub takes its facts from, as pages people can open, and the one
way a fact's source is shown on a page.

``documents`` knows the documents (title, publisher, where their text lies) and reads their text and
section headings; ``citations`` turns the source notes of the reference data ("VISD
(003_27119044b2e4ee18.txt), annex 2, lines 1879-1897") into citations people can read: the
document's title and section, linking to the passage inside the Hub. Templates use the ``cite``
filter of ``sources_tags``; the API keeps the machine-readable source notes. See docs/guidance.md,
"Sources"."""
