"""B2B meeting schedules (issue 16): the CP-SAT solver against first-come-first-served greedy
(b2match's default) and against the upper bound the solver proves, on generated instances shaped like
real brokerage events.

    .venv/bin/python benchmarks/meetings_schedule.py [--only NAME] [--time-limit SECONDS] [--seed N]

The shape of a generated event (docs/meetings.md, "Benchmark"):

* popularity: who is asked follows a Zipf law (exponent 1.1), so a few participants (a prime, an
  agency, a large integrator) receive many requests and most receive a few;
* availability: a share of the participants arrive late or leave early (a block of 2-5 slots at the
  start or the end) and some have one slot taken by a talk;
* maxima: most participants accept up to all slots, some set a lower maximum (4-8);
* priorities: weight 1 for half the requests, 2 for 30 %, 3 for 20 %;
* requests arrive in random order; that order is what first-come-first-served serves.

Every schedule is checked against every rule (visd.meetings.scheduling.check_schedule) before its
figures are printed. Times are wall-clock on a shared machine; run it again to compare.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from visd.meetings.scheduling import check_schedule, greedy_schedule, parse_instance, solve  # noqa: E402

# name, participants, slots, requests, tables, time limit (s), what is scarce
SCENARIOS = [
    ("small-ample", 100, 12, 400, 50, 20, "nothing"),
    ("small-tables", 100, 12, 600, 15, 20, "tables"),
    ("popular-300", 300, 14, 1500, 150, 30, "popular participants"),
    ("tables-300", 300, 14, 1800, 50, 30, "tables"),
    ("medium-500", 500, 16, 3000, 250, 25, "popular participants"),
    ("large-1000", 1000, 20, 8000, 500, 60, "popular participants"),
    ("large-1000-tables", 1000, 20, 8000, 200, 60, "tables"),
]


def generate(participants: int, slots: int, requests: int, tables: int, seed: int) -> dict:
    rng = random.Random(seed)
    slot_names = [f"S{i:02d}" for i in range(1, slots + 1)]
    people = []
    for index in range(participants):
        person = {"id": f"p{index:04d}"}
        unavailable = set()
        roll = rng.random()
        if roll < 0.15:    # arrives late
            unavailable.update(slot_names[:rng.randint(2, 5)])
        elif roll < 0.30:  # leaves early
            unavailable.update(slot_names[-rng.randint(2, 5):])
        if rng.random() < 0.2:  # a talk or a demo
            unavailable.add(rng.choice(slot_names))
        if unavailable:
            person["unavailable"] = sorted(unavailable)
        if rng.random() < 0.3:
            person["max_meetings"] = rng.randint(4, 8)
        people.append(person)
    # Zipf popularity over a random order of the participants
    order = list(range(participants))
    rng.shuffle(order)
    popularity = [0.0] * participants
    for rank, index in enumerate(order, start=1):
        popularity[index] = 1 / rank ** 1.1
    pairs: set[frozenset[int]] = set()
    request_list = []
    attempts = 0
    while len(request_list) < requests and attempts < requests * 50:
        attempts += 1
        b = rng.choices(range(participants), weights=popularity)[0]
        a = rng.randrange(participants)
        pair = frozenset((a, b))
        if a == b or pair in pairs:
            continue
        pairs.add(pair)
        weight = rng.choices([1, 2, 3], weights=[50, 30, 20])[0]
        request_list.append({"a": people[a]["id"], "b": people[b]["id"], "weight": weight})
    return {"slots": slot_names, "tables": tables, "participants": people, "requests": request_list}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one scenario by name")
    parser.add_argument("--time-limit", type=float, help="override every scenario's time limit (seconds)")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    print(f"{'scenario':<18} {'P':>5} {'S':>3} {'R':>5} {'T':>4}  {'scarce':<21} {'greedy':>7} {'solver':>7} "
          f"{'bound':>7} {'of bound':>8} {'vs greedy':>9} {'gaps g/s':>10} {'time':>7}")
    failures = 0
    for name, participants, slots, requests, tables, limit, scarce in SCENARIOS:
        if args.only and name != args.only:
            continue
        instance = parse_instance(generate(participants, slots, requests, tables, args.seed))
        greedy = greedy_schedule(instance)
        started = time.perf_counter()
        solved = solve(instance, time_limit=args.time_limit or limit)
        seconds = time.perf_counter() - started
        problems = check_schedule(instance, greedy) + check_schedule(instance, solved)
        if problems:
            failures += 1
            print(f"{name}: INVALID SCHEDULE: {problems[:5]}")
            continue
        share = solved.scheduled_weight / solved.upper_bound if solved.upper_bound else 1.0
        gain = solved.scheduled_weight / greedy.scheduled_weight - 1 if greedy.scheduled_weight else 0.0
        print(f"{name:<18} {participants:>5} {slots:>3} {len(instance.requests):>5} {tables:>4}  {scarce:<21} "
              f"{greedy.scheduled_weight:>7} {solved.scheduled_weight:>7} {solved.upper_bound:>7} "
              f"{share:>8.2%} {gain:>+9.1%} {greedy.idle_gaps:>4}/{solved.idle_gaps:<5} {seconds:>6.1f}s"
              f"{'  (optimal)' if solved.status == 'optimal' else ''}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
