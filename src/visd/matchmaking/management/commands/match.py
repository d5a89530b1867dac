"""``visd match``: rank actors for a text, call, need or many queries, or calls for an actor.

    visd match actors (--text TEXT | --text-file F | --call TOPIC_ID | --need NEED_ID | --queries Q.jsonl)
                      [--country CC] [--region flanders|brussels|wallonia] [--kind KIND] [--top N] [--json]
    visd match calls --actor ACTOR_ID [--top N] [--json]

With ``--json`` one query prints a JSON list of results (id, name: the official name as imported,
display_name: the name as people read it, pic, vat, kbo, country, region, score, explanation). With ``--queries`` each input line is ``{"id": .., "text": .., "country": ..,
"region": .., "kind": ..}`` (filters optional) and each output line ``{"id": .., "results": [..]}``.
The command reads the persisted index (``lifecycle.read_index``), as the pages do: it does not rebuild
or update it, and says on stderr when the database changed since (run ``visd tag``). Only when there is
no index at all does it build one, once, and says so on stderr.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from visd.matchmaking import lifecycle, matches
from visd.matchmaking.matches import MatchError


def _positive(value):
    try:
        n = int(value)
    except ValueError:
        raise CommandError(f"--top must be a whole number, not {value!r}") from None
    if n < 1:
        raise CommandError("--top must be at least 1")
    return n


class Command(BaseCommand):
    help = "Match actors to a text, call, capability need or JSONL queries, or calls to an actor."
    # A read-only query tool: the system checks import every URL configuration and view (about 0.7 s
    # of its 1.7 s on the demo database) and check nothing this command uses; `visd check` runs them.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="target", required=True, metavar="{actors,calls}")
        actors = sub.add_parser("actors", help="rank actors")
        source = actors.add_mutually_exclusive_group(required=True)
        source.add_argument("--text", help="free text (Dutch, English or French)")
        source.add_argument("--text-file", type=Path, help="a file holding the text")
        source.add_argument("--call", metavar="TOPIC_ID", help="a call's topic id")
        source.add_argument("--need", metavar="NEED_ID", help="a capability need's id")
        source.add_argument("--queries", type=Path, metavar="Q.jsonl",
                            help='one query per line: {"id": .., "text": .., "country": .., "region": ..}')
        actors.add_argument("--country", help="two-letter country code, e.g. BE")
        actors.add_argument("--region", help="flanders, brussels or wallonia")
        actors.add_argument("--kind", help="company, university, research, public, other (or a registry kind)")
        actors.add_argument("--top", default=10, type=str, help="number of results (default 10)")
        actors.add_argument("--json", action="store_true", help="print JSON")
        calls = sub.add_parser("calls", help="rank calls for an actor")
        calls.add_argument("--actor", required=True, metavar="ACTOR_ID", help="an actor's id")
        calls.add_argument("--top", default=10, type=str, help="number of results (default 10)")
        calls.add_argument("--json", action="store_true", help="print JSON")
        # Django's CommandParser turns parser errors into CommandError only at the top level.
        for p in (actors, calls):
            p.called_from_command_line = parser.called_from_command_line
            p.missing_args_message = None

    def handle(self, *args, target, **options):
        # A tool's output: English messages and concept labels, whatever the site's default language.
        with translation.override("en"):
            return self._handle(target, options)

    def _index(self):
        """The persisted index, read once per run after the arguments were checked."""
        if getattr(self, "_status", None) is None:
            status = lifecycle.read_index()
            if not status.available:
                self.stderr.write(f"No matching index in {lifecycle.index_dir()}"
                                  f"{' (' + status.problem + ')' if status.problem else ''}: building it from the "
                                  "database once (`visd tag` keeps it up to date).")
                lifecycle.build()
                status = lifecycle.read_index(check_current=False)
            elif status.stale:
                self.stderr.write(matches.stale_message(status))
            if matches.dense_message(status):   # waiting for its embeddings (`visd embed`): lexical
                self.stderr.write(matches.dense_message(status) + " (`visd embed`)")
            self._status = status
        return self._status.index

    def _handle(self, target, options):
        self._status = None
        top = _positive(options["top"])
        try:
            if target == "calls":
                return self._calls(options["actor"], top, options["json"])
            return self._actors(options, top)
        except MatchError as exc:
            raise CommandError(str(exc)) from None

    # ------------------------------------------------------------------ actors
    def _actors(self, options, top):
        filters = matches.filters_for(options.get("country"), options.get("region"), options.get("kind"))
        if options.get("queries"):
            return self._queries(options["queries"], filters, top)
        if options.get("call") is not None:
            from visd.funding.models import Call

            call = Call.objects.filter(topic_id=options["call"].strip()).first()
            if call is None:
                raise CommandError(f"Unknown call {options['call']!r}: no call with this topic id.")
            heading = f"{call.topic_id}: {call.title}"
            results = matches.actors_for_call(call, filters, top, index=self._index())
        elif options.get("need") is not None:
            from visd.capabilities.models import CapabilityNeed

            raw = options["need"].strip()
            need = CapabilityNeed.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
            if need is None:
                raise CommandError(f"Unknown capability need {options['need']!r}: give a need's id.")
            heading = f"{need.code}: {need.name}"
            results = matches.actors_for_need(need, filters, top, index=self._index())
        else:
            if options.get("text_file") is not None:
                try:
                    text = options["text_file"].read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise CommandError(f"Cannot read {options['text_file']}: {exc}") from None
            else:
                text = options["text"]
            if not text.strip():
                raise CommandError("The text is empty.")
            heading = text.strip().splitlines()[0][:80]
            results = matches.actors_for_text(text, filters, top, index=self._index())
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
        else:
            self._actor_table(heading, results)

    def _queries(self, path: Path, base_filters: dict, top: int):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        queries = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                q = json.loads(line)
            except ValueError as exc:
                raise CommandError(f"{path}, line {n}: not valid JSON ({exc.msg}).") from None
            if not isinstance(q, dict) or "id" not in q or not isinstance(q.get("text"), str) or not q["text"].strip():
                raise CommandError(f'{path}, line {n}: expected {{"id": .., "text": "..."}} with a non-empty text.')
            try:
                filters = {**base_filters, **matches.filters_for(q.get("country"), q.get("region"), q.get("kind"))}
            except MatchError as exc:
                raise CommandError(f"{path}, line {n}: {exc}") from None
            queries.append((q["id"], q["text"], filters))
        if not queries:
            raise CommandError(f"{path} holds no queries.")
        for qid, text, filters in queries:
            results = matches.actors_for_text(text, filters, top, index=self._index())
            if self._json_mode():
                self.stdout.write(json.dumps({"id": qid, "results": results}, ensure_ascii=False))
            else:
                self._actor_table(f"{qid}", results)

    def _json_mode(self):
        return True  # --queries always prints JSON lines (one per query), with or without --json

    def _actor_table(self, heading, results):
        self.stdout.write(self.style.MIGRATE_HEADING(heading))
        if not results:
            self.stdout.write("  (no matching actors)")
            return
        self.stdout.write(f"  {'#':>2}  {'score':>6}  {'id':>6}  {'country':<7} {'region':<9} name")
        for i, r in enumerate(results, 1):
            self.stdout.write(f"  {i:>2}  {r['score']:>6.3f}  {r['id']:>6}  {r['country'] or '-':<7} "
                              f"{r['region'] or '-':<9} {r.get('display_name') or r['name']}")
            for reason in reasons(r["explanation"]):
                self.stdout.write(f"{'':>22}{reason}")

    # ------------------------------------------------------------------ calls
    def _calls(self, actor_id, top, as_json):
        from visd.actors.models import Actor

        raw = (actor_id or "").strip()
        actor = Actor.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if actor is None:
            raise CommandError(f"Unknown actor {actor_id!r}: give an actor's id.")
        results = matches.opportunities_for_actor(actor, kinds=("call",), top=top, index=self._index())
        if as_json:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        self.stdout.write(self.style.MIGRATE_HEADING(f"{actor.pk}: {actor}"))
        if not results:
            self.stdout.write("  (no matching calls)")
        for i, r in enumerate(results, 1):
            state = "open" if r["explanation"].get("open") else (r["status"] or "-")
            self.stdout.write(f"  {i:>2}  {r['score']:>6.3f}  {r['topic_id']}  [{state}, {r['deadline'] or '-'}]  "
                              f"{r['title']}")
            for reason in reasons(r["explanation"]):
                self.stdout.write(f"{'':>12}{reason}")


def reasons(expl: dict) -> list[str]:
    """A few readable lines from an explanation."""
    out = []
    shared = [c["label"] for c in expl.get("shared_concepts", [])]
    if shared:
        out.append("concepts: " + ", ".join(shared[:5]))
    if expl.get("matched_terms"):
        out.append("terms: " + ", ".join(expl["matched_terms"][:8]))
    own = expl.get("evidence_own") or {}
    for o in own.get("offers", [])[:3]:
        why = ", ".join(o.get("matched_terms", []) + [c["label"] for c in o.get("concepts", [])])
        out.append(f"offer: {o.get('text', '')[:70]}" + (f": {why}" if why else ""))
    for p in expl.get("evidence_projects", [])[:3]:
        why = ", ".join(p.get("matched_terms", []) + [c["label"] for c in p.get("concepts", [])])
        out.append(f"project: {p.get('title', '')[:70]} ({p.get('year') or '-'})" + (f": {why}" if why else ""))
    if expl.get("adds_concepts"):
        out.append("adds: " + ", ".join(c["label"] for c in expl["adds_concepts"][:5]))
    return out
