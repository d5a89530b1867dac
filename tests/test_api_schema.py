"""The OpenAPI schema is valid, and a property-based run of schemathesis over it (against the Django
WSGI application, on a small ORM-built registry) finds no server error and no response that
contradicts the schema."""

import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from werkzeug.test import Client as WsgiClient

from visd.core.models import Role

from test_api import registry  # noqa: F401  (the ORM-built dataset, a fixture)


@pytest.fixture
def api_schema(db):
    """The schema, loaded from (and calling) Django's WSGI application. Like Django's test client,
    the application is kept from closing the database connection after each request, or the test's
    transaction would be lost on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(make_user, registry):  # noqa: F811  (the fixture imported above)
    """An administrator's token, over the registry dataset."""
    administrator = make_user(Role.ADMINISTRATOR, username="schema-admin")
    return {"Authorization": f"Token {Token.objects.create(user=administrator).key}"}


def test_the_schema_is_valid_openapi(api_schema):
    api_schema.validate()  # against the OpenAPI 3 meta-schema bundled with schemathesis
    assert api_schema.raw_schema["openapi"].startswith("3.")
    paths = api_schema.raw_schema["paths"]
    for resource in ("actors", "actor-tags", "contacts", "interactions", "dossiers", "concepts", "portfolios",
                     "capability-needs", "calls", "instruments", "projects", "participations", "infrastructure",
                     "budget-lines", "kpis", "import-runs"):
        assert f"/api/{resource}/" in paths, resource
    assert "/api/calls/{topic_id}/" in paths
    assert "/api/actors/{id}/history/" in paths
    token = paths["/api/auth/token/"]["post"]
    assert token.get("security", [{}]) == [{}], "asking for a token needs no authentication"
    assert {"200", "400", "429"} <= set(token["responses"])


def test_the_schema_documents_who_may_read_anonymously(api_schema):
    paths = api_schema.raw_schema["paths"]
    assert {} in paths["/api/actors/"]["get"]["security"]
    assert {} not in paths["/api/contacts/"]["get"]["security"]
    assert {} not in paths["/api/actors/"]["post"]["security"]
    # an event is public, the names of its registrations are not
    assert {} in paths["/api/events/{id}/"]["get"]["security"]
    assert {} not in paths["/api/events/{id}/registrations/"]["get"]["security"]


@pytest.fixture
def visd_project(registry, admin_headers):  # noqa: F811  (the fixture imported above)
    """One VISD project (with a partner), so its detail, change, status-step and partner operations
    are fuzzed on a real record rather than only meeting 404."""
    from django.contrib.auth import get_user_model

    from visd.projects import actions

    administrator = get_user_model().objects.get(username="schema-admin")
    project = actions.create_project({"title": "Schema project", "kind": "edf", "domain": registry["space"]},
                                     acting_user=administrator)
    actions.add_partner(project, registry["orbitix"], "lead", acting_user=administrator)
    return project


@pytest.fixture
def event(registry, admin_headers):  # noqa: F811  (the fixture imported above)
    """One event that has taken place, with a registration, so its change, registrations, attendance
    and survey operations are fuzzed on a real record rather than only meeting 404."""
    import datetime

    from django.contrib.auth import get_user_model

    from visd.events import actions

    administrator = get_user_model().objects.get(username="schema-admin")
    event = actions.create_event({"title": "Schema DIF-Day", "kind": "dif_day", "date": datetime.date(2025, 6, 5)},
                                 acting_user=administrator)
    actions.register(event, "Schema Deelnemer", acting_user=administrator)
    return event


@pytest.fixture
def roadmap(registry, admin_headers):  # noqa: F811  (the fixture imported above)
    """One draft roadmap with an introduction and an item, so its change, publish and item operations
    (and their 409) are fuzzed on a real record rather than only meeting 404."""
    from django.contrib.auth import get_user_model

    from visd.roadmaps import actions

    administrator = get_user_model().objects.get(username="schema-admin")
    draft = actions.start_version(registry["space"], acting_user=administrator)
    actions.update_roadmap(draft, {"introduction": "Schema roadmap"}, acting_user=administrator,
                           expected_revision=None)
    actions.add_item(draft, {"kind": "technology", "title": "Schema item", "start_year": 2026, "end_year": 2030},
                     acting_user=administrator)
    return draft


FUZZED_METHODS = {"GET", "POST", "PATCH"}
# Examples per operation: 25 in the suite; `VISD_FUZZ_EXAMPLES=60 pytest tests/test_api_schema.py -s` is the
# long run of issue 18 (at least 5,000 cases; the test prints how many it ran).
EXAMPLES = int(os.environ.get("VISD_FUZZ_EXAMPLES") or 25)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
# no server error, every answer as its schema says, and every status code one the schema lists
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def path_parameters_for(operation, headers):
    """Point a detail operation at the first record its list shows to an administrator: random ids
    would only ever meet 404. Operations whose list is empty or elsewhere get random values.
    (Asked through the same WSGI application: Django's test client would reconnect the signal
    that closes the connection.)"""
    match = re.search(r"\{(\w+)\}", operation.path)
    if match is None:
        return None
    client = WsgiClient(operation.schema.app)
    listing = client.get(operation.path[: match.start()], query_string={"limit": 1}, headers=headers)
    body = listing.get_json() if listing.status_code == 200 else {}
    records = body.get("results", []) if isinstance(body, dict) else body
    name = match.group(1)
    if not records or name not in records[0]:
        return None
    return {name: records[0][name]}


@pytest.fixture
def matching_index(registry, settings, tmp_path):  # noqa: F811  (the fixture imported above)
    """The matching index of the dataset, built as `visd tag` does: the matching endpoints only read
    it (without one they answer 503, which this test counts as a server error)."""
    from visd.matchmaking import lifecycle

    settings.VISD_MATCHING_DIR = tmp_path / "matching"
    lifecycle.forget()
    lifecycle.build()
    yield
    lifecycle.forget()


@pytest.mark.slow
def test_no_operation_fails_with_a_server_error(api_schema, admin_headers, visd_project, event, roadmap,
                                                matching_index):
    """Property-based run over every GET, POST and PATCH operation: reads both anonymously and as an
    administrator, writes as an administrator (deletes are left out: they would empty the dataset).
    Every failing operation is reported, not just the first."""
    failures, cases = [], [0]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    fuzzed = [operation for operation in operations if operation.method.upper() in FUZZED_METHODS]
    assert len(fuzzed) >= 60, "the schema lost operations"
    for operation in fuzzed:
        strategy = operation.as_strategy(path_parameters=path_parameters_for(operation, admin_headers))
        is_read = operation.method.upper() == "GET"

        @given(case=strategy)
        @FUZZ_SETTINGS
        def exercise(case):
            if is_read:  # noqa: B023 (exercise runs below, within this same loop step)
                case.call_and_validate(checks=CHECKS)
                cases[0] += 1
            case.call_and_validate(headers=admin_headers, checks=CHECKS)
            cases[0] += 1

        try:
            exercise()
        except Exception as error:  # noqa: BLE001  (collected and reported together below)
            failures.append(f"{operation.label}:\n{error}")
    print(f"\nschemathesis: {cases[0]} cases over {len(fuzzed)} operations, {EXAMPLES} examples each; "
          f"{len(failures)} operation(s) failing")
    assert not failures, "\n\n".join(failures)
