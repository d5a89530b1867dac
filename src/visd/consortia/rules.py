"""The EDF rule set as versioned data (``data/edf_rules.yaml``): loaded and checked once, read-only.

>>> rules = load_rules()
>>> rules.programme, rules.country_status("BE"), rules.country_status("NO"), rules.country_status("IS")
('EDF', 'member_state', 'associated', 'unconfirmed')
>>> rules.country_status("US"), rules.normalise_country("el")
('third_country', 'GR')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from visd.screening.countries import COUNTRY_CODES

DATA_DIR = Path(__file__).resolve().parent / "data"

# The EU's own country codes (Interinstitutional Style Guide) as used by CORDIS and the Funding &
# Tenders portal, mapped to ISO 3166-1 so that both spellings of Greece and the UK are one country.
EU_CODE_ALIASES = {"EL": "GR", "UK": "GB"}


class RuleDataError(ValueError):
    """The rule file is inconsistent (a missing source, an unknown country code, a bad figure)."""


@dataclass(frozen=True)
class Rule:
    code: str
    title: dict[str, str]
    text: dict[str, str]
    source: str
    verified: bool
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    programme: str
    version: str
    regulation: str
    member_states: frozenset[str]
    member_states_source: str
    associated: dict[str, dict[str, Any]]  # code -> {status, source, verified}
    roles: dict[str, dict[str, bool]]
    roles_source: str
    rules: dict[str, Rule]
    derogations: dict[str, dict[str, Any]]
    funding: dict[str, Any]
    flemish_support: dict[str, Any]

    def normalise_country(self, code: str | None) -> str | None:
        if code is None:
            return None
        code = str(code).strip().upper()
        return EU_CODE_ALIASES.get(code, code) or None

    def country_status(self, code: str | None) -> str:
        """member_state, associated, unconfirmed (an EEA EFTA State whose association no source
        confirms), third_country, or unknown (no country given)."""
        code = self.normalise_country(code)
        if not code:
            return "unknown"
        if code in self.member_states:
            return "member_state"
        entry = self.associated.get(code)
        if entry is not None:
            return entry["status"]
        return "third_country"

    def country_source(self, code: str | None) -> str:
        code = self.normalise_country(code)
        if code in self.associated:
            return self.associated[code]["source"]
        return self.member_states_source

    def parameters(self, rule_code: str, derogation: str | None = None) -> dict[str, Any]:
        params = dict(self.rules[rule_code].parameters)
        if derogation:
            params.update(self.derogations[derogation].get("replaces", {}).get(rule_code, {}))
        return params


def _require(mapping: dict, key: str, where: str):
    if key not in mapping or mapping[key] in (None, ""):
        raise RuleDataError(f"{where}: '{key}' is missing")
    return mapping[key]


def parse_rules(raw: dict[str, Any]) -> RuleSet:
    """Check a rule file's content and build the rule set; every problem raises RuleDataError."""
    members = raw["member_states"]
    codes = frozenset(members["codes"])
    unknown = sorted(code for code in codes if code not in COUNTRY_CODES)
    if unknown:
        raise RuleDataError(f"member_states: unknown country codes {unknown}")
    _require(members, "source", "member_states")
    associated = {}
    for entry in raw.get("associated_countries", []):
        code = _require(entry, "code", "associated_countries")
        if code not in COUNTRY_CODES:
            raise RuleDataError(f"associated_countries: unknown country code {code}")
        if entry.get("status") not in ("associated", "unconfirmed"):
            raise RuleDataError(f"associated_countries {code}: status must be associated or unconfirmed")
        _require(entry, "source", f"associated_countries {code}")
        associated[code] = {"status": entry["status"], "source": entry["source"],
                            "verified": bool(entry.get("verified"))}
    roles = dict(raw["roles"])
    roles_source = roles.pop("roles_source", "")
    rules = {}
    for entry in raw["rules"]:
        code = _require(entry, "code", "rules")
        for key in ("title", "text"):
            value = _require(entry, key, f"rule {code}")
            if not value.get("en") or not value.get("nl"):
                raise RuleDataError(f"rule {code}: {key} needs en and nl")
        rules[code] = Rule(code=code, title=entry["title"], text=entry["text"],
                           source=_require(entry, "source", f"rule {code}"),
                           verified=bool(entry.get("verified")), parameters=entry.get("parameters") or {})
    derogations = {}
    for entry in raw.get("derogations", []):
        code = _require(entry, "code", "derogations")
        _require(entry, "source", f"derogation {code}")
        for rule_code in entry.get("replaces", {}):
            if rule_code not in rules:
                raise RuleDataError(f"derogation {code}: replaces unknown rule {rule_code}")
        derogations[code] = entry
    funding = raw["funding_rates"]
    for base in funding["base"]:
        rate = _require(base, "rate", f"funding rate {base.get('code')}")
        if not 0 <= rate <= 100:
            raise RuleDataError(f"funding rate {base['code']}: {rate} is not a percentage")
        _require(base, "source", f"funding rate {base['code']}")
    return RuleSet(programme=raw["programme"], version=str(raw["version"]), regulation=raw["regulation"],
                   member_states=codes, member_states_source=members["source"], associated=associated,
                   roles=roles, roles_source=roles_source, rules=rules, derogations=derogations,
                   funding=funding, flemish_support=raw.get("flemish_support", {}))


@lru_cache(maxsize=4)
def load_rules(programme: str = "EDF") -> RuleSet:
    path = DATA_DIR / f"{programme.lower()}_rules.yaml"
    if not path.exists():
        raise RuleDataError(f"no rule set for programme {programme}")
    return parse_rules(yaml.safe_load(path.read_text(encoding="utf-8")))


def available_programmes() -> list[str]:
    return sorted(path.name.split("_rules.yaml")[0].upper() for path in DATA_DIR.glob("*_rules.yaml"))
