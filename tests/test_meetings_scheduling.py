"""The B2B schedule solver (visd.meetings.scheduling) and the contract of ``visd meetings schedule
--input`` (issue 16): every constraint of every schedule, the solver never below greedy, and the
solver's weight equal to a brute-force optimum on tiny instances."""

import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visd.meetings import scheduling
from visd.meetings.scheduling import InstanceError, check_schedule, greedy_schedule, parse_instance, solve


@st.composite
def instances(draw, max_participants=7, max_slots=4, max_requests=10):
    slots = [f"S{i}" for i in range(1, draw(st.integers(1, max_slots)) + 1)]
    count = draw(st.integers(2, max_participants))
    participants = []
    for i in range(count):
        participant = {"id": f"p{i}"}
        unavailable = draw(st.lists(st.sampled_from(slots), unique=True, max_size=len(slots)))
        if unavailable:
            participant["unavailable"] = unavailable
        if draw(st.booleans()):
            participant["max_meetings"] = draw(st.integers(0, len(slots) + 1))
        participants.append(participant)
    pairs = list(itertools.combinations(range(count), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(max_requests, len(pairs))))
    requests = []
    for a, b in chosen:
        if draw(st.booleans()):
            a, b = b, a
        request = {"a": f"p{a}", "b": f"p{b}"}
        if draw(st.booleans()):
            request["weight"] = draw(st.integers(1, 3))
        requests.append(request)
    return {"slots": slots, "tables": draw(st.integers(1, 3)), "participants": participants, "requests": requests}


def brute_force_optimum(instance) -> int:
    """The best total weight, by trying every slot (or none) for every request."""
    best = 0
    choices = [[None, *instance.common_slots(r)] for r in instance.requests]
    for assignment in itertools.product(*choices):
        busy, per_slot, count, weight = set(), {}, {}, 0
        ok = True
        for request, slot in zip(instance.requests, assignment, strict=True):
            if slot is None:
                continue
            per_slot[slot] = per_slot.get(slot, 0) + 1
            for pid in (request.a, request.b):
                count[pid] = count.get(pid, 0) + 1
                if (pid, slot) in busy or count[pid] > instance.maximum(pid):
                    ok = False
                busy.add((pid, slot))
            if per_slot[slot] > instance.tables:
                ok = False
            if not ok:
                break
            weight += request.weight
        if ok:
            best = max(best, weight)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_schedule_keeps_every_rule_and_never_scores_below_greedy(data):
    instance = parse_instance(data)
    greedy = greedy_schedule(instance)
    solved = solve(instance, time_limit=5, workers=1)
    assert check_schedule(instance, greedy) == []
    assert check_schedule(instance, solved) == []
    assert solved.scheduled_weight >= greedy.scheduled_weight
    assert solved.scheduled_weight <= solved.upper_bound
    # the output is exactly the contract's keys, and every unscheduled request has a known reason
    contract = solved.as_contract()
    assert set(contract) == {"meetings", "unscheduled", "scheduled_weight", "upper_bound"}
    assert all(set(m) == {"a", "b", "slot", "table"} for m in contract["meetings"])
    assert all(u["reason"] in scheduling.REASONS for u in contract["unscheduled"])
    json.dumps(contract)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_participants=5, max_slots=3, max_requests=6))
def test_solver_reaches_the_brute_force_optimum_and_proves_it(data):
    instance = parse_instance(data)
    solved = solve(instance, time_limit=5, workers=1)
    optimum = brute_force_optimum(instance)
    assert solved.scheduled_weight == optimum
    assert solved.status == "optimal" and solved.upper_bound == optimum


def test_solver_beats_first_come_first_served_where_a_popular_participant_is_scarce():
    # p0 is popular and has one slot left for meetings: FCFS gives it to the first (light) request
    data = {"slots": ["S1", "S2"], "tables": 5,
            "participants": [{"id": "p0", "max_meetings": 1}, {"id": "p1"}, {"id": "p2"}],
            "requests": [{"a": "p1", "b": "p0", "weight": 1}, {"a": "p2", "b": "p0", "weight": 3},
                         {"a": "p1", "b": "p2", "weight": 1}]}
    instance = parse_instance(data)
    assert greedy_schedule(instance).scheduled_weight == 2
    solved = solve(instance, time_limit=5)
    assert solved.scheduled_weight == 4 and solved.upper_bound == 4
    assert {(u["a"], u["b"], u["reason"]) for u in solved.unscheduled} == {("p1", "p0", "maximum_reached")}


def test_fewer_idle_gaps_at_the_same_weight():
    # p0 meets p1 and p2; three slots, so the two meetings could leave a gap (S1, S3)
    data = {"slots": ["S1", "S2", "S3"], "tables": 2,
            "participants": [{"id": "p0"}, {"id": "p1", "unavailable": ["S2"]}, {"id": "p2"}],
            "requests": [{"a": "p0", "b": "p1"}, {"a": "p0", "b": "p2"}]}
    instance = parse_instance(data)
    solved = solve(instance, time_limit=5)
    assert solved.idle_gaps == 0
    assert sorted((m.b, m.slot) for m in solved.meetings) in ([("p1", "S1"), ("p2", "S2")],
                                                              [("p1", "S3"), ("p2", "S2")])


def test_kept_meetings_stay_in_their_slot():
    data = {"slots": ["S1", "S2"], "tables": 1, "participants": [{"id": "p0"}, {"id": "p1"}, {"id": "p2"}],
            "requests": [{"a": "p0", "b": "p1", "weight": 1}, {"a": "p0", "b": "p2", "weight": 3}]}
    instance = parse_instance(data)
    solved = solve(instance, time_limit=5, fixed={0: 1})
    assert ("p0", "p1", "S2") in {(m.a, m.b, m.slot) for m in solved.meetings}
    assert check_schedule(instance, solved) == []


@pytest.mark.parametrize("data, expected", [
    ({"slots": ["S1"], "tables": 1, "participants": [{"id": "p1"}], "requests": [{"a": "p1", "b": "p2"}]},
     "requests[0]: unknown participant 'p2'"),
    ({"slots": ["S1"], "tables": 1, "participants": [{"id": "p1"}, {"id": "p2"}],
      "requests": [{"a": "p1", "b": "p2"}, {"a": "p2", "b": "p1"}]},
     "requests[1]: the pair 'p2' and 'p1' is already requested in requests[0]"),
    ({"slots": ["S1"], "tables": 1, "participants": [{"id": "p1", "unavailable": ["S3"]}], "requests": []},
     "participants[0] (p1): unavailable names slot 'S3', which does not exist"),
    ({"slots": ["S1"], "tables": 1, "participants": [{"id": "p1", "max_meetings": -1}], "requests": []},
     "participants[0] (p1): max_meetings must be a whole number of 0 or more, not -1"),
    ({"slots": ["S1"], "tables": 0, "participants": [], "requests": []}, "tables must be a whole number of 1 or more"),
    ({"slots": ["S1"], "tables": 1, "participants": [{"id": "p1"}, {"id": "p2"}],
      "requests": [{"a": "p1", "b": "p2", "weight": 4}]}, "weight must be a whole number from 1 to 3, not 4"),
    ([], "The input must be one JSON object"),
])
def test_bad_instances_name_the_problem(data, expected):
    with pytest.raises(InstanceError) as error:
        parse_instance(data)
    assert expected in str(error.value)


def test_command_prints_exactly_the_contract(tmp_path, capsys):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps({"slots": ["S1", "S2"], "tables": 40,
                                "participants": [{"id": "p1", "unavailable": ["S2"], "max_meetings": 8},
                                                 {"id": "p2"}, {"id": "p3", "unavailable": ["S1", "S2"]}],
                                "requests": [{"a": "p1", "b": "p2", "weight": 2}, {"a": "p3", "b": "p2"}]}))
    call_command("meetings", "schedule", "--input", str(path), "--time-limit", "5", "--json")
    output = json.loads(capsys.readouterr().out)
    assert output == {"meetings": [{"a": "p1", "b": "p2", "slot": "S1", "table": 1}],
                      "unscheduled": [{"a": "p3", "b": "p2", "reason": "not_available_together"}],
                      "scheduled_weight": 2, "upper_bound": 2}


@pytest.mark.parametrize("text, expected", [
    ('{"slots": [', "The input is not valid JSON"),
    ('{"slots": ["S1"], "tables": 1, "participants": [{"id": "p1"}], "requests": [{"a": "p1", "b": "x"}]}',
     "unknown participant 'x'"),
])
def test_command_refuses_bad_input_with_a_message(tmp_path, text, expected):
    path = tmp_path / "instance.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=expected):
        call_command("meetings", "schedule", "--input", str(path), "--json")


def test_command_exits_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "instance.json"
    path.write_text('{"slots": ["S1"], "tables": 1, "participants": [{"id": "p1", "max_meetings": -3}], "requests": []}')
    result = subprocess.run([sys.executable, "-m", "visd.cli", "meetings", "schedule", "--input", str(path), "--json"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and result.stdout == ""
    assert "max_meetings must be a whole number of 0 or more, not -3" in result.stderr


def test_forced_meetings_are_scheduled_even_when_lighter():
    data = {"slots": ["S1"], "tables": 1, "participants": [{"id": "p0"}, {"id": "p1"}, {"id": "p2"}],
            "requests": [{"a": "p0", "b": "p1", "weight": 3}, {"a": "p0", "b": "p2", "weight": 1}]}
    instance = parse_instance(data)
    assert {(m.a, m.b) for m in solve(instance, time_limit=5).meetings} == {("p0", "p1")}
    solved = solve(instance, time_limit=5, required={1})
    assert {(m.a, m.b) for m in solved.meetings} == {("p0", "p2")}
    assert check_schedule(instance, solved) == []
    with pytest.raises(InstanceError, match="cannot all be scheduled together"):
        solve(instance, time_limit=5, required={0, 1})
