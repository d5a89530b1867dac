"""Funding & Tenders topics (JSON Lines, one topic per line): parse and validate, no database.

``validate_topics`` turns one or more files into a ``TopicBatch`` of topics ready to become
``funding.Call`` records, or a list of problems by file and line. Writing is
``visd.imports.actions.apply_topics``. The format is documented in docs/data.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from visd.funding.models import Call

from .problems import ProblemList
from .readers import InputFile, clean_text, decode

# JSON key -> Call field, for text values. A key missing from a topic leaves the field untouched.
TEXT_KEYS = {
    "title": "title",
    "programme": "programme",
    "callIdentifier": "call_identifier",
    "callTitle": "call_title",
    "actionType": "action_type",
    "callStatus": "status",
    "description": "description",
    "topicConditions": "conditions",
}
WHOLE_NUMBER_KEYS = {"budgetMin": "budget_min", "budgetMax": "budget_max", "expectedGrants": "expected_grants"}
REQUIRED_KEYS = ("topicId", "title")
# The portal's condition texts start with the tail of an HTML attribute ('">Conditions ...').
HTML_RESIDUE = re.compile(r'^"?>\s*')
DEADLINE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


@dataclass
class TopicRecord:
    file: str
    row: int
    topic_id: str
    fields: dict  # Call field -> value, only for the keys the topic has


@dataclass
class TopicBatch:
    topics: list[TopicRecord] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)
    files: list[str] = field(default_factory=list)


class _TopicReader:
    """Reads the typed values of one topic, adding a problem for each bad value."""

    def __init__(self, file_name: str, line: int, topic: dict, problems: ProblemList):
        self.file_name, self.line, self.topic, self.problems = file_name, line, topic, problems

    def problem(self, key: str, code: str, message: str) -> None:
        self.problems.add(self.file_name, code, message, row=self.line, column=key)

    def text(self, key: str, max_length: int | None) -> str:
        value = self.topic.get(key)
        if value is None:
            return ""
        if isinstance(value, (dict, list, bool)):
            self.problem(key, "bad_type", _("Expected text, found %(type)s.") % {"type": type(value).__name__})
            return ""
        value = clean_text(str(value))
        if max_length is not None and len(value) > max_length:
            self.problem(key, "too_long", _("The value has %(length)s characters; at most %(max)s are allowed.")
                         % {"length": len(value), "max": max_length})
        return value

    def whole_number(self, key: str) -> int | None:
        value = self.topic.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)
        self.problem(key, "bad_number", _("'%(value)s' is not a whole number of zero or more.") % {"value": value})
        return None

    def deadline(self, key: str) -> date | None:
        value = self.topic.get(key)
        if value is None or value == "":
            return None
        match = DEADLINE.fullmatch(value.strip()) if isinstance(value, str) else None
        if match:
            try:
                return date.fromisoformat(match.group(1))
            except ValueError:
                pass
        self.problem(key, "bad_date", _("'%(value)s' is not a date in the form YYYY-MM-DD.") % {"value": value})
        return None

    def url(self, key: str) -> str:
        value = self.text(key, Call._meta.get_field("url").max_length)
        if not value:
            return ""
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            self.problem(key, "bad_url", _("'%(value)s' is not a web address (http or https).") % {"value": value})
            return ""
        return value


def parse_topic(file_name: str, line: int, topic: dict, problems: ProblemList) -> TopicRecord | None:
    reader = _TopicReader(file_name, line, topic, problems)
    for key in REQUIRED_KEYS:
        if not str(topic.get(key) or "").strip():
            reader.problem(key, "required", _("'%(key)s' is required.") % {"key": key})
    topic_id = reader.text("topicId", Call._meta.get_field("topic_id").max_length)
    values = {}
    for key, field_name in TEXT_KEYS.items():
        if key in topic:
            values[field_name] = reader.text(key, Call._meta.get_field(field_name).max_length)
    if "conditions" in values:
        values["conditions"] = HTML_RESIDUE.sub("", values["conditions"])
    for key, field_name in WHOLE_NUMBER_KEYS.items():
        if key in topic:
            values[field_name] = reader.whole_number(key)
    if "deadline" in topic:
        values["deadline"] = reader.deadline("deadline")
    if "portalUrl" in topic:
        values["url"] = reader.url("portalUrl")
    minimum, maximum = values.get("budget_min"), values.get("budget_max")
    if minimum is not None and maximum is not None and minimum > maximum:
        reader.problem("budgetMin", "budget_order", _("The minimum budget is larger than the maximum budget."))
    return TopicRecord(file=file_name, row=line, topic_id=topic_id, fields=values) if topic_id else None


def validate_topics(files: list[InputFile]) -> TopicBatch:
    """Parse and check topic files. When ``batch.problems`` is not empty nothing may be written."""
    batch = TopicBatch()
    if not files:
        batch.problems.add("-", "no_files", _("Give at least one topics file."))
        return batch
    first_seen: dict[str, TopicRecord] = {}
    for file in files:
        batch.files.append(file.name)
        text = decode(file, batch.problems)
        if text is None:
            continue
        if not text.strip():
            batch.problems.add(file.name, "empty_file", _("The file is empty."))
            continue
        # Lines end at '\n' only: JSON strings may hold other line separators (U+2028).
        for line_number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                topic = json.loads(line)
            except json.JSONDecodeError as error:
                batch.problems.add(file.name, "bad_json", _("Not valid JSON: %(error)s.") % {"error": error.msg},
                                   row=line_number, column=_("character %(position)s") % {"position": error.colno})
                continue
            if not isinstance(topic, dict):
                batch.problems.add(file.name, "bad_json", _("Each line must be one JSON object."), row=line_number)
                continue
            record = parse_topic(file.name, line_number, topic, batch.problems)
            if record is None:
                continue
            if record.topic_id in first_seen:
                first = first_seen[record.topic_id]
                batch.problems.add(file.name, "duplicate_id", _("Topic %(id)s is already given in %(file)s, line %(line)s.")
                                   % {"id": record.topic_id, "file": first.file, "line": first.row},
                                   row=line_number, column="topicId")
                continue
            first_seen[record.topic_id] = record
            batch.topics.append(record)
    return batch
