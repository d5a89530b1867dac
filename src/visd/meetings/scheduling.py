"""The B2B meeting schedule of an event, as plain data: no database, no Django (issue 16).

An *instance* is what ``visd meetings schedule --input INSTANCE.json`` reads: slots in time order, a
number of tables, participants (their unavailable slots and their maximum number of meetings) and the
accepted meeting requests between two participants, each with a weight (its priority, 1 to 3).

A *schedule* gives each scheduled request a slot and a table such that

* each participant is in at most one meeting per slot, and only in slots where it is available;
* each participant has at most its maximum number of meetings;
* each table holds at most one meeting per slot (tables are numbered 1..``tables``);
* no pair meets twice (a pair is requested at most once, so each request is scheduled at most once).

:func:`solve` maximises the total weight of the scheduled requests with OR-Tools CP-SAT and then,
keeping that weight, the number of idle gaps (a participant's free slot between two of its meetings);
it reports the upper bound on the weight that the solver proved. :func:`greedy_schedule` is
first-come-first-served (b2match's default): requests in the order they came, each in the earliest slot
where both are free. The solver starts from the better of two greedy schedules and never returns less
weight than the greedy baseline.

>>> instance = parse_instance({"slots": ["S1", "S2"], "tables": 1,
...     "participants": [{"id": "p1"}, {"id": "p2", "unavailable": ["S1"]}, {"id": "p3"}],
...     "requests": [{"a": "p1", "b": "p2", "weight": 2}, {"a": "p1", "b": "p3"}]})
>>> schedule = solve(instance, time_limit=5)
>>> [(m.a, m.b, m.slot, m.table) for m in schedule.meetings]
[('p1', 'p3', 'S1', 1), ('p1', 'p2', 'S2', 1)]
>>> schedule.scheduled_weight, schedule.upper_bound, check_schedule(instance, schedule)
(3, 3, [])
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

#: The weights a request may have (the issue's contract: 1 to 3, default 1).
MIN_WEIGHT, MAX_WEIGHT, DEFAULT_WEIGHT = 1, 3, 1

#: Why a request was left out of a schedule: a code other tooling can rely on, and its explanation.
REASON_NOT_AVAILABLE_TOGETHER = "not_available_together"
REASON_MAXIMUM_REACHED = "maximum_reached"
REASON_NO_FREE_SLOT = "no_free_slot"
REASONS = {
    REASON_NOT_AVAILABLE_TOGETHER: "the two participants have no slot in which both are available",
    REASON_MAXIMUM_REACHED: "a participant already has its maximum number of meetings",
    REASON_NO_FREE_SLOT: "every slot both could use is taken by one of their other meetings or has no free table",
}


class InstanceError(ValueError):
    """Bad input: ``problems`` lists every problem found, each a sentence naming where it is."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Participant:
    id: str
    unavailable: frozenset[str] = frozenset()
    max_meetings: int | None = None  # None: no maximum other than the number of slots


@dataclass(frozen=True)
class Request:
    a: str
    b: str
    weight: int = DEFAULT_WEIGHT


@dataclass(frozen=True)
class Instance:
    slots: tuple[str, ...]
    tables: int
    participants: dict[str, Participant]
    requests: tuple[Request, ...]

    def common_slots(self, request: Request) -> list[int]:
        """Indexes of the slots in which both participants of ``request`` are available."""
        blocked = self.participants[request.a].unavailable | self.participants[request.b].unavailable
        return [index for index, slot in enumerate(self.slots) if slot not in blocked]

    def maximum(self, participant_id: str) -> int:
        limit = self.participants[participant_id].max_meetings
        return len(self.slots) if limit is None else min(limit, len(self.slots))


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    slot: str
    table: int
    weight: int = DEFAULT_WEIGHT


@dataclass
class Schedule:
    meetings: list[Meeting]
    unscheduled: list[dict[str, str]]
    scheduled_weight: int
    upper_bound: int
    status: str = "feasible"  # "optimal" when the solver proved the weight is the best possible
    idle_gaps: int = 0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_contract(self) -> dict[str, Any]:
        """The command's output object, exactly the issue's contract."""
        return {
            "meetings": [{"a": m.a, "b": m.b, "slot": m.slot, "table": m.table} for m in self.meetings],
            "unscheduled": list(self.unscheduled),
            "scheduled_weight": self.scheduled_weight,
            "upper_bound": self.upper_bound,
        }


# --- reading an instance ------------------------------------------------------------------------

def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_instance_json(text: str) -> Instance:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError([f"The input is not valid JSON: {error.msg} at line {error.lineno}, "
                             f"column {error.colno}."]) from None
    return parse_instance(data)


def parse_instance(data: Any) -> Instance:
    """Check the whole instance and return it, or raise :class:`InstanceError` with every problem.

    >>> parse_instance({"slots": ["S1"], "tables": 1, "participants": [{"id": "p1", "max_meetings": -1}],
    ...                 "requests": [{"a": "p1", "b": "p9"}]})
    Traceback (most recent call last):
    ...
    visd.meetings.scheduling.InstanceError: participants[0] (p1): max_meetings must be a whole number of 0 or more, not -1; requests[0]: unknown participant 'p9'
    """
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InstanceError(["The input must be one JSON object with slots, tables, participants and requests."])
    unknown_keys = sorted(set(data) - {"slots", "tables", "participants", "requests"})
    if unknown_keys:
        problems.append(f"unknown key(s) {', '.join(unknown_keys)}: expected slots, tables, participants, requests")

    slots = data.get("slots")
    if not isinstance(slots, list) or not slots or not all(isinstance(s, str) and s for s in slots):
        problems.append("slots must be a non-empty list of slot names (text), in time order")
        slots = [s for s in slots if isinstance(s, str)] if isinstance(slots, list) else []
    seen_slots: set[str] = set()
    for slot in slots:
        if slot in seen_slots:
            problems.append(f"slot {slot!r} is listed twice")
        seen_slots.add(slot)

    tables = data.get("tables")
    if not _is_int(tables) or tables < 1:
        problems.append(f"tables must be a whole number of 1 or more, not {tables!r}")
        tables = 0

    participants: dict[str, Participant] = {}
    raw_participants = data.get("participants")
    if not isinstance(raw_participants, list):
        problems.append("participants must be a list of objects with an id")
        raw_participants = []
    for index, raw in enumerate(raw_participants):
        where = f"participants[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be an object with an id")
            continue
        pid = raw.get("id")
        if not isinstance(pid, str) or not pid:
            problems.append(f"{where}: id must be non-empty text")
            continue
        where = f"{where} ({pid})"
        extra = sorted(set(raw) - {"id", "unavailable", "max_meetings"})
        if extra:
            problems.append(f"{where}: unknown key(s) {', '.join(extra)}")
        if pid in participants:
            problems.append(f"{where}: participant {pid!r} is listed twice")
        unavailable = raw.get("unavailable", [])
        if not isinstance(unavailable, list) or not all(isinstance(s, str) for s in unavailable):
            problems.append(f"{where}: unavailable must be a list of slot names")
            unavailable = []
        for slot in unavailable:
            if slot not in seen_slots:
                problems.append(f"{where}: unavailable names slot {slot!r}, which does not exist")
        maximum = raw.get("max_meetings")
        if maximum is not None and (not _is_int(maximum) or maximum < 0):
            problems.append(f"{where}: max_meetings must be a whole number of 0 or more, not {maximum!r}")
            maximum = None
        participants[pid] = Participant(pid, frozenset(unavailable), maximum)

    requests: list[Request] = []
    raw_requests = data.get("requests", [])
    if not isinstance(raw_requests, list):
        problems.append("requests must be a list of objects with a, b and weight")
        raw_requests = []
    pairs: dict[frozenset[str], int] = {}
    for index, raw in enumerate(raw_requests):
        where = f"requests[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{where} must be an object with a, b and weight")
            continue
        extra = sorted(set(raw) - {"a", "b", "weight"})
        if extra:
            problems.append(f"{where}: unknown key(s) {', '.join(extra)}")
        a, b = raw.get("a"), raw.get("b")
        weight = raw.get("weight", DEFAULT_WEIGHT)
        ok = True
        for side, pid in (("a", a), ("b", b)):
            if not isinstance(pid, str):
                problems.append(f"{where}: {side} must be a participant id (text)")
                ok = False
            elif pid not in participants:
                problems.append(f"{where}: unknown participant {pid!r}")
                ok = False
        if ok and a == b:
            problems.append(f"{where}: a participant cannot meet itself ({a!r})")
            ok = False
        if not _is_int(weight) or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            problems.append(f"{where}: weight must be a whole number from {MIN_WEIGHT} to {MAX_WEIGHT}, not {weight!r}")
            ok = False
        if ok:
            pair = frozenset((a, b))
            if pair in pairs:
                problems.append(f"{where}: the pair {a!r} and {b!r} is already requested in requests[{pairs[pair]}]")
                continue
            pairs[pair] = index
            requests.append(Request(a, b, weight))
    if problems:
        raise InstanceError(problems)
    return Instance(tuple(slots), tables, participants, tuple(requests))


# --- checking a schedule --------------------------------------------------------------------------

def check_schedule(instance: Instance, schedule: Schedule) -> list[str]:
    """Every rule the schedule breaks (an empty list for a valid schedule), and whether its reported
    weight and unscheduled list agree with its meetings. Used by the tests and the benchmark."""
    violations: list[str] = []
    weight_of = {frozenset((r.a, r.b)): r.weight for r in instance.requests}
    slot_set = set(instance.slots)
    busy: set[tuple[str, str]] = set()
    tables_used: set[tuple[str, int]] = set()
    count: dict[str, int] = defaultdict(int)
    met: set[frozenset[str]] = set()
    total = 0
    for meeting in schedule.meetings:
        pair = frozenset((meeting.a, meeting.b))
        if pair not in weight_of:
            violations.append(f"{meeting.a}-{meeting.b} was not requested")
            continue
        if pair in met:
            violations.append(f"{meeting.a}-{meeting.b} meet twice")
        met.add(pair)
        total += weight_of[pair]
        if meeting.slot not in slot_set:
            violations.append(f"{meeting.a}-{meeting.b} in unknown slot {meeting.slot}")
        if not 1 <= meeting.table <= instance.tables:
            violations.append(f"{meeting.a}-{meeting.b} at table {meeting.table}, outside 1..{instance.tables}")
        if (meeting.slot, meeting.table) in tables_used:
            violations.append(f"table {meeting.table} holds two meetings in {meeting.slot}")
        tables_used.add((meeting.slot, meeting.table))
        for pid in (meeting.a, meeting.b):
            if (pid, meeting.slot) in busy:
                violations.append(f"{pid} has two meetings in {meeting.slot}")
            busy.add((pid, meeting.slot))
            if meeting.slot in instance.participants[pid].unavailable:
                violations.append(f"{pid} meets in {meeting.slot}, where it is unavailable")
            count[pid] += 1
    for pid, number in count.items():
        if number > instance.maximum(pid):
            violations.append(f"{pid} has {number} meetings, more than its maximum {instance.maximum(pid)}")
    if total != schedule.scheduled_weight:
        violations.append(f"scheduled_weight is {schedule.scheduled_weight}, the meetings weigh {total}")
    if total > schedule.upper_bound:
        violations.append(f"the meetings weigh {total}, more than the upper bound {schedule.upper_bound}")
    left = {frozenset((u["a"], u["b"])) for u in schedule.unscheduled}
    if left != set(weight_of) - met or len(left) != len(schedule.unscheduled):
        violations.append("the unscheduled list is not exactly the requests without a meeting")
    return violations


def idle_gaps(instance: Instance, meetings: list[Meeting]) -> int:
    """Idle gaps: for each participant, the runs of slots without a meeting between two of its
    meetings (a run of several slots is one gap; a run made only of unavailable slots is not one)."""
    position = {slot: index for index, slot in enumerate(instance.slots)}
    busy: dict[str, set[int]] = defaultdict(set)
    for meeting in meetings:
        busy[meeting.a].add(position[meeting.slot])
        busy[meeting.b].add(position[meeting.slot])
    blocked = _unavailable_slot_indexes(instance)
    return sum(_gaps_in(indexes, blocked[pid]) for pid, indexes in busy.items())


def _unavailable_slot_indexes(instance: Instance) -> dict[str, set[int]]:
    """For each participant, the indexes of the slots it is not available in."""
    position = {slot: index for index, slot in enumerate(instance.slots)}
    return {pid: {position[s] for s in p.unavailable} for pid, p in instance.participants.items()}


def _gaps_in(busy: Collection[int], unavailable: set[int]) -> int:
    """The idle gaps of one participant with meetings in the slot indexes ``busy``: the runs of free
    slots between two of its meetings (slots it is unavailable in do not make or break a run)."""
    if not busy:
        return 0
    count, run_free = 0, False
    for index in range(min(busy), max(busy) + 1):
        if index in busy:
            count += run_free
            run_free = False
        elif index not in unavailable:
            run_free = True
    return count


# --- building schedules -----------------------------------------------------------------------------

def _assemble(instance: Instance, chosen: dict[int, int], *, upper_bound: int, status: str,
              started: float) -> Schedule:
    """A schedule from ``{request index: slot index}``: tables numbered per slot, in request order,
    and the reason each other request was left out."""
    next_table = [0] * len(instance.slots)
    meetings = []
    count: dict[str, int] = defaultdict(int)
    busy: set[tuple[str, int]] = set()
    for r_index in sorted(chosen, key=lambda r: (chosen[r], r)):
        request, s_index = instance.requests[r_index], chosen[r_index]
        next_table[s_index] += 1
        meetings.append(Meeting(request.a, request.b, instance.slots[s_index], next_table[s_index], request.weight))
        for pid in (request.a, request.b):
            count[pid] += 1
            busy.add((pid, s_index))
    unscheduled = []
    for r_index, request in enumerate(instance.requests):
        if r_index in chosen:
            continue
        common = instance.common_slots(request)
        if not common or instance.maximum(request.a) == 0 or instance.maximum(request.b) == 0:
            reason = REASON_NOT_AVAILABLE_TOGETHER if not common else REASON_MAXIMUM_REACHED
        elif count[request.a] >= instance.maximum(request.a) or count[request.b] >= instance.maximum(request.b):
            reason = REASON_MAXIMUM_REACHED
        else:
            reason = REASON_NO_FREE_SLOT
        unscheduled.append({"a": request.a, "b": request.b, "reason": reason})
    weight = sum(m.weight for m in meetings)
    return Schedule(meetings, unscheduled, weight, max(upper_bound, weight), status,
                    idle_gaps(instance, meetings), time.perf_counter() - started)


def _greedy_choice(instance: Instance, order: list[int]) -> dict[int, int]:
    """Each request of ``order`` in turn, in the earliest slot where both are available and free,
    a table is free and neither has reached its maximum."""
    free_tables = [instance.tables] * len(instance.slots)
    busy: set[tuple[str, int]] = set()
    count: dict[str, int] = defaultdict(int)
    chosen: dict[int, int] = {}
    for r_index in order:
        request = instance.requests[r_index]
        if count[request.a] >= instance.maximum(request.a) or count[request.b] >= instance.maximum(request.b):
            continue
        for s_index in instance.common_slots(request):
            if free_tables[s_index] and (request.a, s_index) not in busy and (request.b, s_index) not in busy:
                chosen[r_index] = s_index
                free_tables[s_index] -= 1
                busy.update({(request.a, s_index), (request.b, s_index)})
                count[request.a] += 1
                count[request.b] += 1
                break
    return chosen


def trivial_upper_bound(instance: Instance) -> int:
    """A bound without a solver: all requests that have a common slot, at most ``tables`` meetings a
    slot, and per participant at most its maximum (each meeting uses two participants' capacity)."""
    possible = [r for r in instance.requests if instance.common_slots(r)]
    weights = sorted((r.weight for r in possible), reverse=True)
    table_cap = instance.tables * len(instance.slots)
    half_capacity = sum(instance.maximum(pid) for pid in instance.participants) // 2
    return sum(weights[:min(len(weights), table_cap, half_capacity)])


def greedy_schedule(instance: Instance) -> Schedule:
    """First come, first served: the requests in their given order (b2match's default)."""
    started = time.perf_counter()
    chosen = _greedy_choice(instance, list(range(len(instance.requests))))
    return _assemble(instance, chosen, upper_bound=trivial_upper_bound(instance), status="feasible",
                     started=started)


#: Above this many (request, slot) variables the gap phase is left to the chain swaps: CP-SAT's gap
#: model then takes longer to build than it gives back within the usual time limits (benchmark).
GAP_MODEL_LIMIT = 6_000


def _variables(instance: Instance) -> list[tuple[int, int]]:
    """The (request, slot) pairs a schedule may use: both available, neither with a maximum of 0."""
    return [(r_index, s_index) for r_index, request in enumerate(instance.requests)
            if instance.maximum(request.a) and instance.maximum(request.b)
            for s_index in instance.common_slots(request)]


def lp_relaxation(instance: Instance, variables: list[tuple[int, int]], fixed: dict[int, int],
                  time_limit: float) -> tuple[float | None, list[float]]:
    """The linear relaxation of the weight problem, solved with HiGHS (through SciPy): its optimum is
    an upper bound on every schedule's weight, and on these instances it is nearly integral, so its
    values are also a good place to start. Returns ``(bound or None when not solved, values)``."""
    import numpy as np
    import scipy.sparse as sparse
    from scipy.optimize import linprog

    rows: dict[tuple, int] = {}
    row_index, col_index = [], []
    for column, (r_index, s_index) in enumerate(variables):
        request = instance.requests[r_index]
        for key in (("r", r_index), ("ps", request.a, s_index), ("ps", request.b, s_index),
                    ("p", request.a), ("p", request.b), ("s", s_index)):
            row_index.append(rows.setdefault(key, len(rows)))
            col_index.append(column)
    if not variables:
        return 0.0, []
    limits = np.empty(len(rows))
    for key, row in rows.items():
        limits[row] = (1 if key[0] in ("r", "ps") else instance.maximum(key[1]) if key[0] == "p"
                       else instance.tables)
    matrix = sparse.csr_matrix((np.ones(len(row_index)), (row_index, col_index)), shape=(len(rows), len(variables)))
    weights = np.array([instance.requests[r].weight for r, _ in variables], dtype=float)
    bounds = [(1, 1) if fixed.get(r) == s else (0, 0) if r in fixed else (0, 1) for r, s in variables]
    result = linprog(-weights, A_ub=matrix, b_ub=limits, bounds=bounds, method="highs-ds",
                     options={"time_limit": max(0.5, time_limit)})
    if result.status != 0:  # time limit or an infeasible set of kept meetings: no bound from here
        return None, []
    return -result.fun, list(result.x)


def capacity_relaxation(instance: Instance, fixed: dict[int, int]) -> tuple[float | None, dict[int, float]]:
    """A smaller relaxation without slots: each request scheduled at most once (``y`` from 0 to 1),
    each participant in at most min(its maximum, its available slots) meetings, at most tables x slots
    meetings in all. Weaker than :func:`lp_relaxation` in principle, on brokerage-shaped instances as
    tight (the benchmark's figures) and a hundred times faster, so it gives the bound when the slot
    relaxation is too large. Returns ``(bound or None, {request: y})``."""
    import numpy as np
    import scipy.sparse as sparse
    from scipy.optimize import linprog

    possible = [r for r, request in enumerate(instance.requests)
                if instance.common_slots(request) and instance.maximum(request.a) and instance.maximum(request.b)]
    if not possible:
        return 0.0, {}
    row_of = {pid: index for index, pid in enumerate(instance.participants)}
    rows, columns = [], []
    for column, r_index in enumerate(possible):
        request = instance.requests[r_index]
        rows += [row_of[request.a], row_of[request.b], len(row_of)]
        columns += [column, column, column]
    limits = [min(instance.maximum(pid), len(instance.slots) - len(p.unavailable))
              for pid, p in instance.participants.items()] + [instance.tables * len(instance.slots)]
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(row_of) + 1, len(possible)))
    weights = np.array([instance.requests[r].weight for r in possible], dtype=float)
    bounds = [(1, 1) if r in fixed else (0, 1) for r in possible]
    result = linprog(-weights, A_ub=matrix, b_ub=limits, bounds=bounds, method="highs-ds")
    if result.status != 0:
        return None, {}
    return -result.fun, dict(zip(possible, result.x, strict=True))


#: Above this many (request, slot) variables the slot relaxation is not solved (it takes tens of
#: seconds at 140,000 on the benchmark machine); the capacity relaxation gives the bound alone.
SLOT_RELAXATION_LIMIT = 60_000


def solve(instance: Instance, *, time_limit: float = 30.0, workers: int = 2, gap_share: float = 0.25,
          fixed: dict[int, int] | None = None, required: set[int] | frozenset[int] = frozenset(),
          seed: int = 0) -> Schedule:
    """Maximise the total weight, then the idle gaps at that weight.

    1. Two linear relaxations (HiGHS), without slots (:func:`capacity_relaxation`) and with them
       (:func:`lp_relaxation`, on models up to ``SLOT_RELAXATION_LIMIT`` variables), give the upper
       bound and, rounded, first schedules; the two greedy orders (first come first served, heaviest
       first) give two more; the best is the start.
    2. CP-SAT maximises the weight from that start; the reported upper bound is the lower of its
       proven bound and the relaxation's.
    3. At that weight, CP-SAT minimises the idle gaps, then single moves of a meeting to another slot
       remove the gaps it left (a local search that never changes the weight).

    ``time_limit`` (seconds) covers everything: the weight phase ends at ``1 - gap_share`` of it, the
    rest is for the gaps (on a small model CP-SAT until 90 % of the rest, then the chain swaps).
    ``fixed`` maps request indexes to the slot index they must keep (meetings already published,
    when re-planning); the requests of ``required`` must be scheduled, in any slot (meetings the
    organiser forces). Either that cannot be honoured raises :class:`InstanceError`.
    """
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    deadline = started + time_limit
    fixed = dict(fixed or {})
    for r_index, s_index in fixed.items():
        if s_index not in instance.common_slots(instance.requests[r_index]):
            request = instance.requests[r_index]
            raise InstanceError([f"the kept meeting {request.a}-{request.b} is in slot {instance.slots[s_index]}, "
                                 f"where one of them is not available"])
    weight_of = [request.weight for request in instance.requests]

    def total(chosen):
        return sum(weight_of[r] for r in chosen)

    variables = _variables(instance)
    upper_bound = trivial_upper_bound(instance)
    capacity, shares = capacity_relaxation(instance, fixed)
    if capacity is not None:
        upper_bound = min(upper_bound, math.floor(capacity + 1e-6))
    relaxed, values = None, []
    if len(variables) <= SLOT_RELAXATION_LIMIT:
        relaxed, values = lp_relaxation(instance, variables, fixed, time_limit * 0.3)
    if relaxed is not None:
        upper_bound = min(upper_bound, math.floor(relaxed + 1e-6))

    # starting points; the kept meetings are placed first in each
    first_come = _place_fixed_then_greedy(instance, fixed, [r for r in range(len(instance.requests)) if r not in fixed])
    must = sorted(set(required) - set(fixed))
    if first_come is None:
        raise InstanceError(["the meetings to keep cannot all be scheduled together (a participant, "
                             "a table or a maximum is used twice)"])
    heaviest = sorted((r for r in range(len(instance.requests)) if r not in fixed), key=lambda r: -weight_of[r])
    candidates = [first_come, _place_fixed_then_greedy(instance, fixed, heaviest)]
    if shares:  # the meetings the capacity relaxation chose first, each in its earliest free slot
        candidates.append(_place_fixed_then_greedy(
            instance, fixed, sorted(heaviest, key=lambda r: (-round(shares.get(r, 0.0), 6), -weight_of[r]))))
    if must:  # a start that schedules the forced meetings first
        candidates.append(_place_fixed_then_greedy(instance, fixed, must + [r for r in heaviest if r not in set(must)]))
    if values:
        by_value = sorted(range(len(variables)), key=lambda c: -values[c])
        candidates.append(_place_fixed_then_greedy(
            instance, fixed, heaviest, preferred=[variables[c] for c in by_value if values[c] > 1e-6]))
    valid = [c for c in candidates if set(must) <= set(c)]
    chosen = max(valid or candidates, key=total)
    greedy_weight = total(first_come)
    weight_status = "optimal" if total(chosen) >= upper_bound and valid else "feasible"

    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}
    by_participant_slot: dict[tuple[str, int], list] = defaultdict(list)
    by_participant: dict[str, list] = defaultdict(list)
    by_request: dict[int, list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    for r_index, s_index in variables:
        request = instance.requests[r_index]
        var = model.new_bool_var(f"x{r_index}_{s_index}")
        x[r_index, s_index] = var
        by_request[r_index].append(var)
        by_participant_slot[request.a, s_index].append(var)
        by_participant_slot[request.b, s_index].append(var)
        by_slot[s_index].append(var)
        by_participant[request.a].append(var)
        by_participant[request.b].append(var)
    unplaceable = [r for r in must if r not in by_request]
    if unplaceable:
        raise InstanceError([f"the forced meeting {instance.requests[r].a}-{instance.requests[r].b} has no slot in "
                             f"which both are available" for r in unplaceable])
    for r_index, row in by_request.items():
        if r_index in required:
            model.add_exactly_one(row)
            continue
        model.add_at_most_one(row)  # no pair twice
        if r_index in fixed:
            model.add(x[r_index, fixed[r_index]] == 1)
    for row in by_participant_slot.values():
        if len(row) > 1:
            model.add_at_most_one(row)  # one meeting per participant and slot
    for pid, row in by_participant.items():
        if len(row) > instance.maximum(pid):
            model.add(sum(row) <= instance.maximum(pid))
    for row in by_slot.values():
        if len(row) > instance.tables:
            model.add(sum(row) <= instance.tables)
    weight = sum(weight_of[r] * var for (r, _), var in x.items())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed

    def use_hint(schedule):
        model.clear_hints()
        for (r_index, s_index), var in x.items():
            model.add_hint(var, 1 if schedule.get(r_index) == s_index else 0)

    weight_phase = (started + time_limit * (1 - gap_share)) - time.perf_counter()
    if weight_status != "optimal" and weight_phase > 0.1:
        model.maximize(weight)
        use_hint(chosen)
        solver.parameters.max_time_in_seconds = weight_phase
        status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            raise InstanceError(["the forced and kept meetings cannot all be scheduled together (a participant, "
                                 "a table or a maximum would be used twice)"])
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = {r: s for (r, s), var in x.items() if solver.boolean_value(var)}
            if total(found) > total(chosen) or not set(must) <= set(chosen):
                chosen = found
            upper_bound = min(upper_bound, math.floor(solver.best_objective_bound + 1e-6))
            if status == cp_model.OPTIMAL or total(chosen) >= upper_bound:
                weight_status = "optimal"

    if not set(must) <= set(chosen):
        raise InstanceError(["no schedule with every forced meeting was found within the time limit"])

    # the gap phase: the same weight, fewest idle gaps. A participant's gaps are its runs of meetings
    # minus one; an unavailable slot neither ends nor starts a run (it is not idle time).
    # runs = (a meeting in its first available slot) + (each meeting right after a free slot).
    remaining = deadline - time.perf_counter()
    # CP-SAT only where it can do better than the swaps below in the time left: small models
    if remaining > 0.2 and len(instance.slots) > 2 and len(x) <= GAP_MODEL_LIMIT and _gaps_of(instance, chosen):
        model.add(weight >= total(chosen))
        cost = []
        for pid in instance.participants:
            if not by_participant.get(pid):
                continue
            blocked = {instance.slots.index(s) for s in instance.participants[pid].unavailable}
            available = [s for s in range(len(instance.slots)) if s not in blocked]
            previous: list = []
            for position, s_index in enumerate(available):
                busy = by_participant_slot.get((pid, s_index), [])
                if busy and position == 0:
                    cost.append(sum(busy))
                elif busy:
                    start = model.new_bool_var(f"start_{pid}_{s_index}")
                    model.add(start >= sum(busy) - sum(previous))
                    cost.append(start)
                previous = busy
            has_meeting = model.new_bool_var(f"any_{pid}")
            model.add(has_meeting <= sum(by_participant[pid]))
            cost.append(-has_meeting)
        model.minimize(sum(cost))
        use_hint(chosen)
        remaining = deadline - time.perf_counter()  # building the gap model took some of it
        solver.parameters.max_time_in_seconds = max(0.05, remaining * 0.7)  # the rest: the swaps below
        if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            improved = {r: s for (r, s), var in x.items() if solver.boolean_value(var)}
            if total(improved) >= total(chosen) and _gaps_of(instance, improved) <= _gaps_of(instance, chosen):
                chosen = improved
    chosen = _repack(instance, chosen, fixed, seed)
    chosen = _swap_chains(instance, chosen, fixed, deadline)
    schedule = _assemble(instance, chosen, upper_bound=upper_bound, status=weight_status, started=started)
    schedule.extra["greedy_weight"] = greedy_weight
    schedule.extra["relaxation"] = relaxed
    schedule.extra["capacity_relaxation"] = capacity
    return schedule


def _gaps_of(instance: Instance, chosen: dict[int, int]) -> int:
    return idle_gaps(instance, _meetings_of(instance, chosen))


def _repack(instance: Instance, chosen: dict[int, int], fixed: dict[int, int], seed: int) -> dict[int, int]:
    """The same meetings placed again, each in the earliest slot free for both: the busiest
    participants' meetings first, then in a few random orders. Packing from the start of the day
    leaves fewer idle gaps than the slots a weight-only solution happens to use; a repacking that
    cannot place every meeting is dropped. Returns the placement with the fewest gaps."""
    import random

    degree: dict[str, int] = defaultdict(int)
    for r_index in chosen:
        degree[instance.requests[r_index].a] += 1
        degree[instance.requests[r_index].b] += 1
    movable = [r for r in chosen if r not in fixed]
    orders = [sorted(movable, key=lambda r: (-max(degree[instance.requests[r].a], degree[instance.requests[r].b]),
                                             -(degree[instance.requests[r].a] + degree[instance.requests[r].b]), r))]
    generator = random.Random(seed)
    for _ in range(3):
        order = list(orders[0])
        generator.shuffle(order)
        orders.append(order)
    best, best_gaps = chosen, _gaps_of(instance, chosen)
    for order in orders:
        placed = _place_fixed_then_greedy(instance, fixed, [], preferred=[], only=order)
        if placed is not None and len(placed) == len(chosen):
            gaps = _gaps_of(instance, placed)
            if gaps < best_gaps:
                best, best_gaps = placed, gaps
    return best


def _swap_chains(instance: Instance, chosen: dict[int, int], fixed: dict[int, int],
                 deadline: float) -> dict[int, int]:
    """Lower the idle gaps by Kempe-chain swaps: for two slots s and t, the meetings in them form paths
    and cycles (each participant has at most one meeting in each); moving every meeting of one such
    chain from s to t and from t to s keeps each participant in one meeting per slot, the weight and
    the maxima. A chain is swapped when all its participants are available in their new slots, the
    tables suffice, no kept meeting is on it, and the gaps of its participants go down. Moving a
    single meeting to a free slot is the chain of one meeting. Repeats until no swap helps."""
    slot_count = len(instance.slots)
    blocked = _unavailable_slot_indexes(instance)
    busy: dict[str, dict[int, int]] = defaultdict(dict)  # participant -> slot -> request
    per_slot = [0] * slot_count
    chosen = dict(chosen)
    for r_index, s_index in chosen.items():
        request = instance.requests[r_index]
        busy[request.a][s_index] = r_index
        busy[request.b][s_index] = r_index
        per_slot[s_index] += 1

    def gaps(pid, slots) -> int:
        return _gaps_in(slots, blocked[pid])

    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for first in range(slot_count):
            for second in range(first + 1, slot_count):
                if time.perf_counter() >= deadline:
                    return chosen
                seen: set[int] = set()
                starts = [r for r, s in chosen.items() if s in (first, second)]
                for start in starts:
                    if start in seen or chosen.get(start) not in (first, second):
                        continue
                    # the chain through ``start``: follow each participant to its meeting in the other slot
                    chain, people, stack = set(), set(), [start]
                    while stack:
                        r_index = stack.pop()
                        if r_index in chain:
                            continue
                        chain.add(r_index)
                        other_slot = second if chosen[r_index] == first else first
                        for pid in (instance.requests[r_index].a, instance.requests[r_index].b):
                            people.add(pid)
                            nxt = busy[pid].get(other_slot)
                            if nxt is not None and nxt not in chain:
                                stack.append(nxt)
                    seen |= chain
                    if any(r in fixed for r in chain):
                        continue
                    moving_to_second = sum(1 for r in chain if chosen[r] == first)
                    moving_to_first = len(chain) - moving_to_second
                    if (per_slot[second] - moving_to_first + moving_to_second > instance.tables
                            or per_slot[first] - moving_to_second + moving_to_first > instance.tables):
                        continue
                    if any((second if chosen[r] == first else first) in blocked[pid]
                           for r in chain for pid in (instance.requests[r].a, instance.requests[r].b)):
                        continue
                    before = sum(gaps(pid, busy[pid].keys()) for pid in people)
                    after_slots = {}
                    for pid in people:
                        slots = set(busy[pid])
                        in_first, in_second = busy[pid].get(first) in chain, busy[pid].get(second) in chain
                        if in_first and not in_second:
                            slots = (slots - {first}) | {second}
                        elif in_second and not in_first:
                            slots = (slots - {second}) | {first}
                        after_slots[pid] = slots
                    if sum(gaps(pid, after_slots[pid]) for pid in people) >= before:
                        continue
                    for pid in people:  # apply the swap
                        a_meeting, b_meeting = busy[pid].pop(first, None), busy[pid].pop(second, None)
                        for r_index in (a_meeting, b_meeting):
                            if r_index is None:
                                continue
                            if r_index in chain:
                                busy[pid][second if chosen[r_index] == first else first] = r_index
                            else:
                                busy[pid][chosen[r_index]] = r_index
                    for r_index in chain:
                        chosen[r_index] = second if chosen[r_index] == first else first
                    per_slot[first] += moving_to_first - moving_to_second
                    per_slot[second] += moving_to_second - moving_to_first
                    improved = True
    return chosen


def _remove_gaps_by_moves(instance: Instance, chosen: dict[int, int], fixed: dict[int, int],
                          deadline: float) -> dict[int, int]:
    """Move single meetings (not the kept ones) to another slot where both are available and free and
    a table is free, whenever that lowers the idle gaps of the two participants; until no move helps."""
    chosen = dict(chosen)
    slots_of: dict[str, set[int]] = defaultdict(set)
    per_slot = [0] * len(instance.slots)
    for r_index, s_index in chosen.items():
        request = instance.requests[r_index]
        slots_of[request.a].add(s_index)
        slots_of[request.b].add(s_index)
        per_slot[s_index] += 1
    blocked = _unavailable_slot_indexes(instance)

    def gaps(pid, busy):
        return _gaps_in(busy, blocked[pid])

    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for r_index in list(chosen):
            if r_index in fixed:
                continue
            request, current = instance.requests[r_index], chosen[r_index]
            a_busy, b_busy = slots_of[request.a], slots_of[request.b]
            before = gaps(request.a, a_busy) + gaps(request.b, b_busy)
            if before == 0:
                continue
            for s_index in instance.common_slots(request):
                if s_index == current or s_index in a_busy or s_index in b_busy or per_slot[s_index] >= instance.tables:
                    continue
                a_new, b_new = (a_busy - {current}) | {s_index}, (b_busy - {current}) | {s_index}
                if gaps(request.a, a_new) + gaps(request.b, b_new) < before:
                    slots_of[request.a], slots_of[request.b] = a_new, b_new
                    per_slot[current] -= 1
                    per_slot[s_index] += 1
                    chosen[r_index] = s_index
                    improved = True
                    break
    return chosen


def _meetings_of(instance: Instance, chosen: dict[int, int]) -> list[Meeting]:
    return [Meeting(instance.requests[r].a, instance.requests[r].b, instance.slots[s], 0) for r, s in chosen.items()]


def _place_fixed_then_greedy(instance: Instance, fixed: dict[int, int], rest: list[int], *,
                             preferred: list[tuple[int, int]] = (),
                             only: list[int] | None = None) -> dict[int, int] | None:
    """The fixed meetings in their slots, then the ``preferred`` (request, slot) pairs in order where
    they fit, then every other request (``rest`` first; ``only``: just these, in this order) greedily
    in its earliest free slot; None if the fixed ones clash with each other."""
    free_tables = [instance.tables] * len(instance.slots)
    busy: set[tuple[str, int]] = set()
    count: dict[str, int] = defaultdict(int)
    chosen: dict[int, int] = {}

    def fits(request, s_index):
        return (free_tables[s_index] > 0 and (request.a, s_index) not in busy and (request.b, s_index) not in busy
                and count[request.a] < instance.maximum(request.a) and count[request.b] < instance.maximum(request.b))

    def place(r_index, request, s_index):
        chosen[r_index] = s_index
        free_tables[s_index] -= 1
        busy.update({(request.a, s_index), (request.b, s_index)})
        count[request.a] += 1
        count[request.b] += 1

    for r_index, s_index in fixed.items():
        request = instance.requests[r_index]
        if not fits(request, s_index):
            return None
        place(r_index, request, s_index)
    for r_index, s_index in preferred:
        request = instance.requests[r_index]
        if r_index not in chosen and fits(request, s_index):
            place(r_index, request, s_index)
    listed = set(rest)
    order = only if only is not None else [*rest, *(r for r in range(len(instance.requests)) if r not in listed)]
    for r_index in order:
        if r_index in chosen:
            continue
        request = instance.requests[r_index]
        for s_index in instance.common_slots(request):
            if fits(request, s_index):
                place(r_index, request, s_index)
                break
    return chosen
