"""Four real situations, shown on the navigator page as ready-made answers and tested in
tests/test_guidance_navigator.py: each is the query string of a shareable navigator link."""

from django.utils.translation import gettext_lazy as _

EXAMPLES = [
    ("drone-sensor-sme", _("A Flemish SME with a dual-use drone sensor at TRL 4 that wants a prototype"),
     {"goal": "develop", "kind": "company", "size": "small", "region": "flanders", "domain": "luchtvaart-uav",
      "trl": "4", "project_cost": "500000"}),
    ("university-research", _("A university group looking for defence research funding"),
     {"goal": "research", "kind": "university", "region": "flanders", "trl": "2"}),
    ("startup-capital", _("A start-up looking for capital"),
     {"goal": "finance", "kind": "company", "size": "micro", "startup": "on", "region": "flanders", "domain": "ai",
      "trl": "6"}),
    ("export-outside-eu", _("A company that wants to export a component to a country outside the EU"),
     {"goal": "export", "kind": "company", "size": "medium", "region": "flanders", "trl": "9",
      "destination": "non_eu"}),
]
