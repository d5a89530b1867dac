"""``visd consortium check --input CONSORTIUM.json [--json] [--language en|nl]``

Checks a consortium against the EDF rules (visd.consortia.engine) and prints the verdict rule by rule.
With ``--json`` it prints the contract's output (docs/consortia.md) and nothing else. Bad input (malformed
JSON, an unknown country code, duplicate ids, a member controlled by itself, a control cycle) is refused
with every problem named and a non-zero exit; an ineligible consortium is a result, not an error."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from visd.consortia.engine import ConsortiumInputError, check, contract_output

SYMBOL = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}


class Command(BaseCommand):
    help = "Check an EDF consortium rule by rule (visd consortium check --input FILE --json)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        check_parser = subcommands.add_parser("check", help="Check a consortium given as JSON.")
        check_parser.add_argument("--input", required=True, help="The consortium's JSON file; - reads standard input.")
        check_parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        check_parser.add_argument("--language", choices=["en", "nl"], default="en")

    def handle(self, *args, subcommand, **options):
        path = options["input"]
        try:
            text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            result = check(text, language=options["language"])
        except ConsortiumInputError as error:
            raise CommandError("consortium refused: " + "; ".join(error.problems)) from error
        if options["json"]:
            self.stdout.write(json.dumps(contract_output(result), ensure_ascii=False, indent=2))
            return
        verdict = {True: "ELIGIBLE", False: "NOT ELIGIBLE", None: "UNKNOWN (data missing)"}[result["eligible"]]
        self.stdout.write(f"{verdict} (rule set {result['programme']} {result['rule_set_version']})")
        for rule in result["rules"]:
            self.stdout.write(f"  {SYMBOL[rule['status']]:8} {rule['title']}: {rule['explanation']}")
            self.stdout.write(f"           source: {rule['source']}")
        for suggestion in result["suggestions"]:
            self.stdout.write(f"  -> {suggestion['text']}")
