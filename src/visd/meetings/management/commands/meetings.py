"""``visd meetings``: the B2B meeting schedule (issue 16, docs/meetings.md).

    visd meetings schedule --input INSTANCE.json [--time-limit SECONDS] [--json]
    visd meetings schedule --event ID [--time-limit SECONDS] [--allow-moves] [--json]

``--input`` reads an instance (slots in time order, tables, participants with their unavailable slots
and maximum, accepted requests with a weight 1 to 3) and prints the schedule; with ``--json`` exactly
one JSON object: ``meetings`` (a, b, slot, table), ``unscheduled`` (a, b, reason), ``scheduled_weight``
and ``upper_bound`` (the best weight possible, as proved by the solver). ``--event`` computes the
schedule of an event's matchmaking from its accepted requests and writes it, all or nothing; meetings
already published stay where they are unless ``--allow-moves``. Bad input: a message on stderr naming
every problem, exit status 1, nothing written.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from visd.meetings import scheduling


def _time_limit(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise CommandError(f"--time-limit must be a number of seconds, not {value!r}") from None
    if not 0 < seconds <= 3600:
        raise CommandError("--time-limit must be more than 0 and at most 3600 seconds")
    return seconds


class Command(BaseCommand):
    help = "Compute the B2B meeting schedule of an instance file or of an event."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{schedule}")
        schedule = sub.add_parser("schedule", help="compute a meeting schedule")
        source = schedule.add_mutually_exclusive_group(required=True)
        source.add_argument("--input", type=Path, metavar="INSTANCE.json", help="an instance file ('-': stdin)")
        source.add_argument("--event", metavar="ID", help="an event's id: schedule it and write the schedule")
        schedule.add_argument("--time-limit", default="30", metavar="SECONDS",
                              help="the solver's time limit in seconds (default 30)")
        schedule.add_argument("--allow-moves", action="store_true",
                              help="with --event: published meetings may move to another slot")
        schedule.add_argument("--json", action="store_true", help="print one JSON object")
        # Django's CommandParser turns parser errors into CommandError only at the top level.
        schedule.called_from_command_line = parser.called_from_command_line
        schedule.missing_args_message = None

    def handle(self, *args, action, **options):
        with translation.override("en"):  # a tool's output: English, whatever the site's language
            time_limit = _time_limit(options["time_limit"])
            if options["input"] is not None:
                return self._from_file(options["input"], time_limit, options["json"])
            return self._from_event(options["event"], time_limit, options["allow_moves"], options["json"])

    def _from_file(self, path: Path, time_limit: float, as_json: bool):
        try:
            text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            instance = scheduling.parse_instance_json(text)
        except scheduling.InstanceError as error:
            raise CommandError(f"{path}: " + "; ".join(error.problems)) from None
        schedule = scheduling.solve(instance, time_limit=time_limit)
        if as_json:
            self.stdout.write(json.dumps(schedule.as_contract(), ensure_ascii=False))
            return
        self._print_summary(schedule)

    def _print_summary(self, schedule):
        for meeting in schedule.meetings:
            self.stdout.write(f"{meeting.slot}\ttable {meeting.table}\t{meeting.a} - {meeting.b}")
        for left in schedule.unscheduled:
            self.stdout.write(f"not scheduled\t{left['a']} - {left['b']}: {scheduling.REASONS[left['reason']]}")
        self.stdout.write(f"scheduled weight {schedule.scheduled_weight} of at most {schedule.upper_bound} "
                          f"({schedule.status}), {len(schedule.meetings)} meetings, "
                          f"{len(schedule.unscheduled)} not scheduled, {schedule.idle_gaps} idle gaps, "
                          f"{schedule.seconds:.1f} s")

    def _from_event(self, event_id: str, time_limit: float, allow_moves: bool, as_json: bool):
        from visd.meetings import actions
        from visd.meetings.models import Matchmaking

        matchmaking = Matchmaking.objects.filter(event_id=int(event_id)).first() if event_id.isdigit() else None
        if matchmaking is None:
            raise CommandError(f"Event {event_id!r} has no B2B matchmaking (or does not exist).")
        try:
            result = actions.compute_schedule(matchmaking, acting_user=None, time_limit=time_limit,
                                              allow_moves=allow_moves,
                                              reason="visd meetings schedule --event")
        except actions.ScheduleRefused as error:
            raise CommandError(str(error)) from None
        if as_json:
            self.stdout.write(json.dumps(result.schedule.as_contract(), ensure_ascii=False))
            return
        self._print_summary(result.schedule)
        self.stdout.write(f"written: {result.created} new meetings, {result.moved} moved, {result.kept} kept, "
                          f"{result.removed} removed")
