"""Funding & Tenders topics (JSON Lines): the real files import with the right numbers, repaired
text and idempotently; broken lines are refused by file, line and key, with nothing written."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from visd.funding.models import Call
from visd.imports import actions
from visd.imports.models import ImportRun
from visd.imports.readers import InputFile
from visd.imports.topics import validate_topics

CALLS = Path(__file__).resolve().parents[1] / "data" / "public" / "calls"
TOPIC_FILES = sorted(CALLS.glob("*.jsonl"))


def real_topics() -> list[dict]:
    return [json.loads(line) for path in TOPIC_FILES for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def jsonl(topics: list) -> bytes:
    return "\n".join(json.dumps(topic, ensure_ascii=False) for topic in topics).encode("utf-8")


def real_files() -> list[InputFile]:
    return [InputFile.from_path(path) for path in TOPIC_FILES]


@pytest.mark.django_db
def test_real_topics_import_and_reimport_changes_nothing():
    topics = real_topics()
    assert len({topic["topicId"] for topic in topics}) == len(topics) == 82  # data/public/README.md: 37 + 45

    run = actions.import_topics(real_files(), source_label="EU Funding & Tenders portal")

    assert run.status == ImportRun.Status.APPLIED
    assert run.counts["calls"] == {"created": 82, "updated": 0, "unchanged": 0}
    assert Call.objects.count() == 82
    source = next(topic for topic in topics if topic["budgetMax"])
    call = Call.objects.get(topic_id=source["topicId"])
    assert call.title == source["title"]
    assert call.deadline == date.fromisoformat(source["deadline"])
    assert call.budget_min == int(source["budgetMin"]) and call.budget_max == int(source["budgetMax"])
    assert call.expected_grants == int(source["expectedGrants"])
    assert call.url == source["portalUrl"]
    assert call.status == source["callStatus"]
    assert call.data_source == "EU Funding & Tenders portal"
    assert Call.objects.filter(programme="European Defence Fund").count() == sum(
        1 for topic in topics if topic["programme"] == "European Defence Fund")
    history = Call.history.count()

    again = actions.import_topics(real_files(), source_label="EU Funding & Tenders portal")

    assert again.counts["calls"] == {"created": 0, "updated": 0, "unchanged": 82}
    assert Call.history.count() == history


@pytest.mark.django_db
def test_mojibake_in_topic_texts_is_repaired():
    damaged = [topic for topic in real_topics() if "\u00e2\u20ac" in json.dumps(topic, ensure_ascii=False)]
    assert damaged, "the public topics carry encoding damage such as 'â€™'"
    actions.import_topics(real_files())
    for call in Call.objects.all():
        for text in (call.title, call.description, call.conditions, call.call_title):
            assert "\u00e2\u20ac" not in text, call.topic_id
    repaired = Call.objects.get(topic_id=damaged[0]["topicId"])
    assert any(mark in repaired.description + repaired.conditions for mark in "\u2014\u2013\u2019\u201c")
    # The condition texts lose the HTML residue they start with in the source ('">Conditions').
    assert not repaired.conditions.startswith('">')


@pytest.mark.django_db
def test_a_newer_topic_updates_in_place():
    topic = real_topics()[0]
    actions.import_topics([InputFile("a.jsonl", jsonl([topic]))])
    topic["callStatus"] = "closed"
    run = actions.import_topics([InputFile("a.jsonl", jsonl([topic]))])
    assert run.counts["calls"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert Call.objects.get(topic_id=topic["topicId"]).status == "closed"
    assert Call.history.count() == 2


def test_broken_lines_are_reported_by_line_and_key():
    topics = real_topics()[:6]
    topics[1] = {key: value for key, value in topics[1].items() if key != "title"}
    topics[2]["deadline"] = "15/09/2026"
    topics[3]["budgetMax"] = "about a million"
    topics[4]["topicId"] = topics[0]["topicId"]
    lines = jsonl(topics).decode().split("\n")
    lines[5] = lines[5][:40]  # a line cut off: not JSON
    batch = validate_topics([InputFile("topics.jsonl", "\n".join(lines).encode())])
    found = {(p.row, p.column if p.code != "bad_json" else None, p.code) for p in batch.problems}
    assert found == {
        (2, "title", "required"),
        (3, "deadline", "bad_date"),
        (4, "budgetMax", "bad_number"),
        (5, "topicId", "duplicate_id"),
        (6, None, "bad_json"),
    }


def test_duplicate_topic_across_files_and_invalid_utf8():
    topic = real_topics()[0]
    batch = validate_topics([InputFile("one.jsonl", jsonl([topic])), InputFile("two.jsonl", jsonl([topic]))])
    ((file, code),) = {(p.file, p.code) for p in batch.problems}
    assert (file, code) == ("two.jsonl", "duplicate_id")
    with translation.override("en"):
        broken = validate_topics([InputFile("bad.jsonl", jsonl([topic]) + b"\n{\"topicId\": \"X\xff\"}")])
    (problem,) = broken.problems
    assert problem.code == "encoding" and "line 2" in problem.message


def test_a_line_that_is_not_an_object():
    batch = validate_topics([InputFile("topics.jsonl", b'["a list"]\n')])
    assert [(p.row, p.code) for p in batch.problems] == [(1, "bad_json")]


@pytest.mark.django_db
def test_a_refused_topics_import_writes_nothing():
    topics = real_topics()[:3]
    topics[2]["deadline"] = "2026-02-30"
    run = actions.import_topics([InputFile("topics.jsonl", jsonl(topics))])
    assert run.status == ImportRun.Status.REJECTED
    assert [(p["row"], p["column"]) for p in run.problems] == [(3, "deadline")]
    assert Call.objects.count() == 0
