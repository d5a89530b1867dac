"""The ``visd match`` command contract, on a database filled by the real importers: ``visd
load-reference`` (taxonomy, Strategic Vision capability needs) and ``visd load-demo`` (CORDIS and EDF
projects with their participants, Funding & Tenders topics). The data is loaded once for the module
inside a transaction that is rolled back afterwards, so other test modules never see it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from test_matching_evidence import COMMONPLACES  # the words the issue found shown as evidence
from visd.actors.models import Actor
from visd.capabilities.models import CapabilityNeed
from visd.funding.models import Call
from visd.matching.index import MatchingIndex
from visd.matchmaking import lifecycle, service
from visd.matchmaking.models import ConceptTag

REPO = Path(__file__).resolve().parents[1]
RESULT_KEYS = {"id", "name", "pic", "vat", "kbo", "country", "region", "score", "explanation"}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("matching")
    with django_db_blocker.unblock(), override_settings(VISD_MATCHING_DIR=index_dir):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_reference", stdout=io.StringIO())
            call_command("load_demo", stdout=io.StringIO())
            service.forget()
            yield index_dir
        finally:
            service.forget()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def match(*args) -> str:
    out = io.StringIO()
    call_command("match", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def open_call() -> Call:
    return Call.objects.get(topic_id="EDF-2026-DA-NAVAL-EMSAS")


@pytest.mark.django_db
def test_first_use_builds_and_persists_the_index_and_tags(demo_world):
    results = json.loads(match("actors", "--text", "cyber security of critical infrastructure", "--json"))
    assert results
    assert (demo_world / "index.json").exists() and (demo_world / "rows.npz").exists()
    state = json.loads((demo_world / "state.json").read_text())
    assert state["marks"]["actor"] and state["concepts"]
    # every call was tagged from its own text while building
    tagged_calls = set(ConceptTag.objects.filter(target_type="call").values_list("object_id", flat=True))
    assert len(tagged_calls) > Call.objects.count() * 0.8


@pytest.mark.django_db
def test_call_json_results_have_the_contract_shape_and_are_ranked(demo_world):
    call = open_call()
    results = json.loads(match("actors", "--call", call.topic_id, "--top", "7", "--json"))
    assert len(results) == 7
    for r in results:
        assert RESULT_KEYS <= set(r)
        actor = Actor.objects.get(pk=r["id"])
        assert (r["name"], r["pic"], r["vat"], r["kbo"], r["country"], r["region"]) == (
            actor.name, actor.pic, actor.vat, actor.kbo, actor.country, actor.region)
        assert r["explanation"]["matched_terms"] or r["explanation"]["shared_concepts"]
        assert r["explanation"]["evidence_projects"], "CORDIS actors are matched through their past projects"
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    # a naval call finds actors whose evidence is about vessels, ships or maritime work
    evidence = " ".join(p["title"].lower() for r in results for p in r["explanation"]["evidence_projects"])
    assert any(word in evidence for word in ("vessel", "ship", "maritime", "naval", "sea", "surface"))


@pytest.mark.django_db
def test_filters_region_country_and_kind(demo_world):
    call = open_call()
    flemish = json.loads(match("actors", "--call", call.topic_id, "--region", "flanders", "--json"))
    assert flemish and all(r["region"] == "flanders" and r["country"] == "BE" for r in flemish)
    german = json.loads(match("actors", "--call", call.topic_id, "--country", "de", "--json"))
    assert german and all(r["country"] == "DE" for r in german)
    universities = json.loads(match("actors", "--call", call.topic_id, "--kind", "university", "--json"))
    assert universities and all(Actor.objects.get(pk=r["id"]).kind in ("university", "university_college")
                                for r in universities)


@pytest.mark.django_db
def test_dutch_text_finds_drone_actors(demo_world):
    results = json.loads(match("actors", "--text", "Detectie en neutralisatie van vijandige drones rond havens",
                               "--json"))
    assert results
    concepts = {c["concept_id"] for r in results[:5] for c in r["explanation"]["shared_concepts"]}
    assert any("uav" in c or "drone" in c for c in concepts), concepts


@pytest.mark.django_db
def test_need_and_text_file(demo_world, tmp_path):
    need = CapabilityNeed.objects.filter(level="item", name__icontains="drone").first() or \
        CapabilityNeed.objects.filter(level="item").first()
    results = json.loads(match("actors", "--need", str(need.pk), "--json"))
    assert results and RESULT_KEYS <= set(results[0])
    text = tmp_path / "draft.txt"
    text.write_text("Satellite earth observation for border surveillance", encoding="utf-8")
    from_file = json.loads(match("actors", "--text-file", str(text), "--top", "3", "--json"))
    assert from_file == json.loads(match("actors", "--text", text.read_text(), "--top", "3", "--json"))


@pytest.mark.django_db
def test_queries_jsonl_runs_many_queries_in_one_process(demo_world, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text("\n".join([
        json.dumps({"id": "cyber", "text": "cyber security of ports and harbours"}),
        "",
        json.dumps({"id": 2, "text": "satellite imagery for maritime surveillance", "country": "BE",
                    "region": "flanders"}),
        json.dumps({"id": "fr", "text": "détection de drones", "country": "FR"}),
    ]) + "\n", encoding="utf-8")
    lines = [json.loads(line) for line in match("actors", "--queries", str(queries), "--top", "4").splitlines()]
    assert [line["id"] for line in lines] == ["cyber", 2, "fr"]
    assert all(set(line) == {"id", "results"} for line in lines)
    assert all(0 < len(line["results"]) <= 4 for line in lines)
    assert all(r["region"] == "flanders" for r in lines[1]["results"])
    assert all(r["country"] == "FR" for r in lines[2]["results"])
    assert RESULT_KEYS <= set(lines[0]["results"][0])
    # the same query alone gives the same results
    alone = json.loads(match("actors", "--text", "cyber security of ports and harbours", "--top", "4", "--json"))
    assert alone == lines[0]["results"]


@pytest.mark.django_db
def test_calls_for_an_actor(demo_world):
    vito = Actor.objects.get(pic="999645238")
    results = json.loads(match("calls", "--actor", str(vito.pk), "--top", "5", "--json"))
    assert len(results) == 5
    topic_ids = set(Call.objects.values_list("topic_id", flat=True))
    assert all(r["topic_id"] in topic_ids and r["kind"] == "call" for r in results)
    opens = [r["explanation"]["open"] for r in results]
    assert opens == sorted(opens, reverse=True), "open calls come first"
    table = match("calls", "--actor", str(vito.pk), "--top", "3")
    assert str(vito) in table and "terms:" in table  # the table shows the display name


@pytest.mark.django_db
def test_table_output_shows_reasons(demo_world):
    table = match("actors", "--call", open_call().topic_id, "--top", "3")
    assert open_call().topic_id in table
    assert "terms:" in table and "project:" in table
    assert len([line for line in table.splitlines() if line.strip()[:2].strip().isdigit()]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("args, message", [
    (["actors", "--call", "NO-SUCH-TOPIC"], "Unknown call"),
    (["actors", "--need", "99999999"], "Unknown capability need"),
    (["actors", "--need", "abc"], "Unknown capability need"),
    (["actors", "--text", "   "], "empty"),
    (["actors", "--text", "drones", "--region", "mars"], "Unknown region"),
    (["actors", "--text", "drones", "--kind", "alien"], "Unknown kind"),
    (["actors", "--text", "drones", "--country", "Belgium"], "Unknown country"),
    (["actors", "--text", "drones", "--top", "0"], "--top"),
    (["actors", "--text", "drones", "--top", "many"], "--top"),
    (["actors", "--text-file", "/nonexistent/file.txt"], "Cannot read"),
    (["calls", "--actor", "99999999"], "Unknown actor"),
    (["calls", "--actor", "x"], "Unknown actor"),
])
def test_bad_arguments_raise_command_error(demo_world, args, message):
    with pytest.raises(CommandError, match=message):
        match(*args)


@pytest.mark.django_db
@pytest.mark.parametrize("content, message", [
    ('{"id": 1, "text": "drones"}\nnot json\n', "line 2: not valid JSON"),
    ('{"id": 1}\n', "line 1: expected"),
    ('{"text": "drones"}\n', "line 1: expected"),
    ('{"id": 1, "text": ""}\n', "line 1: expected"),
    ('["drones"]\n', "line 1: expected"),
    ('{"id": 1, "text": "drones", "region": "atlantis"}\n', "line 1: Unknown region"),
    ("\n\n", "no queries"),
])
def test_malformed_query_lines(demo_world, tmp_path, content, message):
    path = tmp_path / "q.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        match("actors", "--queries", str(path))


@pytest.mark.django_db
def test_index_is_loaded_from_disk_and_updated_incrementally(demo_world, monkeypatch):
    service.updated_index()
    service.forget()  # a new process: the index comes from disk, not from a rebuild
    monkeypatch.setattr(lifecycle, "_build", lambda *a, **k: pytest.fail("rebuilt instead of loading"))
    index = service.updated_index()
    before = index.retag_count
    call = open_call()
    call.description = "Counter-drone systems: detection of hostile drones with radar around naval bases."
    call.save()
    index = service.updated_index()
    assert index.retag_count == before + 1, "only the changed call is re-analysed"
    derived = set(ConceptTag.objects.filter(target_type="call", object_id=call.pk, origin="derived")
                  .values_list("concept__code", flat=True))
    assert "counter-uav" in derived
    # the change is in the journal: another process sees it without rebuilding
    service.forget()
    again = service.updated_index()
    assert {t.concept_id for t in again.tags("opportunity", f"call:{call.pk}")} >= {"focus_domain:counter-uav"}


@pytest.mark.django_db
def test_a_large_update_is_written_as_one_snapshot_with_the_tags_history(demo_world, monkeypatch):
    """An update with more changes than the journal holds before a snapshot (an import) skips the
    journal and writes the snapshot; the new derived tags are written through the bulk path with one
    creation history row each, as bulk_create_with_history wrote them."""
    service.updated_index()
    monkeypatch.setattr(lifecycle, "SNAPSHOT_AFTER_JOURNAL_OPS", 1)
    calls = list(Call.objects.order_by("pk")[:3])
    ConceptTag.objects.filter(target_type="call", object_id__in=[c.pk for c in calls], origin="derived").delete()
    for call in calls:
        call.description = "Counter-drone systems: detection of hostile drones with radar around naval bases."
        call.save()
    flushed = []
    monkeypatch.setattr(MatchingIndex, "flush", lambda self, *a: flushed.append(1) or 0)
    index = service.updated_index()
    assert not flushed, "a snapshot instead of the journal"
    assert (demo_world / "journal.jsonl").read_text() == ""
    tags = ConceptTag.objects.filter(target_type="call", object_id__in=[c.pk for c in calls], origin="derived",
                                     concept__code="counter-uav")
    assert tags.count() == 3
    for tag in tags:
        history = list(tag.history.all())
        assert [h.history_type for h in history] == ["+"]
        assert (history[0].confidence, history[0].evidence, history[0].history_user_id) == (tag.confidence, tag.evidence, None)
    service.forget()  # another process reads the snapshot: the change is there
    again = service.updated_index()
    assert {t.concept_id for t in again.tags("opportunity", f"call:{calls[0].pk}")} >= {"focus_domain:counter-uav"}
    assert again.stats() == index.stats()


def test_command_line_exit_status_is_non_zero_for_bad_arguments(tmp_path):
    env = {**os.environ, "VISD_VAR_DIR": str(tmp_path)}
    visd = [sys.executable, "-c", "from visd.cli import main; main()"]
    for args in (["match", "actors", "--text", "drones", "--region", "mars"],
                 ["match", "actors", "--text", ""],
                 ["match", "actors"],
                 ["match"]):
        done = subprocess.run(visd + args, env=env, capture_output=True, text=True, cwd=REPO, timeout=120)
        assert done.returncode != 0, args
        assert "region" in done.stderr or "empty" in done.stderr or "required" in done.stderr or \
            "error" in done.stderr.lower()




@pytest.mark.django_db
def test_every_edf_2026_topic_and_capability_item_of_the_demo_shows_only_relevant_evidence(demo_world):
    """Through the product (registry records, the persisted index, the rows the pages and the API
    show): no generic term is shown as evidence, and every past project shown clears the evidence
    threshold with its own specific words or concepts."""
    from visd.capabilities.models import NeedLevel
    from visd.matchmaking import matches

    index = service.updated_index()
    queries = ([(c, matches.actors_for_call) for c in Call.objects.filter(topic_id__startswith="EDF-")]
               + [(n, matches.actors_for_need) for n in CapabilityNeed.objects.filter(level=NeedLevel.ITEM)])
    assert len(queries) >= 37 + 93
    shown = 0
    for record, search in queries:
        lang = index.analyzer.detect_language(f"{getattr(record, 'title', '')} {getattr(record, 'description', '')}"
                                              f" {getattr(record, 'name', '')}")
        for filters in (None, {"region": "VLG"}):
            for row in search(record, filters, 10, index=index):
                expl = row["explanation"]
                words = list(expl["matched_terms"])
                for p in expl["evidence_projects"]:
                    assert p["similarity"] >= index.params.evidence_min, (record, row["name"], p)
                    assert p["matched_terms"] or p["concepts"], (record, row["name"], p)
                    words += p["matched_terms"]
                for word in words:
                    assert word.casefold() not in COMMONPLACES, (record, row["name"], word)
                    terms = [index.vocabulary_id(t) for t in index.analyzer.analyze(word, lang).terms]
                    # a shown word is never generic (a multi-word surface: none of its words is)
                    assert not all(t is not None and index.is_generic(t) for t in terms), (record, word)
                shown += len(words)
    assert shown > 1000
