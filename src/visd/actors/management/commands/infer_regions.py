"""``visd infer-regions [--dry-run] [--user NAME]``: fill the unknown region of Belgian actors from
their municipality (GeoNames, ``visd.actors.identifiers.region_from_city``).

The postcode always wins and a region set by a person is kept (``Actor.derived_region``); only an
unknown region, or one earlier inferred from the municipality, is (re)computed. Each change is
saved through the ORM, so the actor's history records it with the reason "visd infer-regions".
Idempotent: a second run changes nothing. The importers apply the same rule when they create or
update actors, so this command is for actors already in the registry.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from visd.actors import identifiers
from visd.actors.models import Actor, RegionSource

CHANGE_REASON = "visd infer-regions"


class Command(BaseCommand):
    help = "Fill the unknown region of Belgian actors from their municipality (GeoNames)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--user", default=None, help="User name recorded as the author of the changes.")

    def handle(self, *args, dry_run, user, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"No user named {user!r}.")
        # Only actors whose region may be inferred: Belgian, no region from the postcode, none set by
        # a person. (An actor with a postcode region is left alone, even if its postcode changed in
        # the database behind the ORM's back: that is save()'s business.)
        actors = (Actor.objects.filter(country__iexact="BE")
                  .exclude(region_source__in=[RegionSource.POSTCODE, RegionSource.CURATED, RegionSource.COUNTRY])
                  .order_by("name", "pk"))
        changed = unresolved = unchanged = 0
        with transaction.atomic():
            for actor in actors:
                region, source = actor.derived_region()
                if (region, source) == (actor.region, actor.region_source) and region:
                    unchanged += 1
                    continue
                _region, evidence = identifiers.region_from_city(actor.city)  # only for the report
                if (region, source) == (actor.region, actor.region_source):
                    unresolved += 1
                    self.stdout.write(f"unresolved: {actor.name} (#{actor.pk}), city {actor.city!r}: {evidence}")
                    continue
                before = actor.region or "unknown"
                actor.region, actor.region_source = region, source
                after = actor.region or "unknown"
                self.stdout.write(f"{'would change' if dry_run else 'changed'}: {actor.name} (#{actor.pk}), "
                                  f"city {actor.city!r}: {before} -> {after}; {evidence}")
                changed += 1
                if not region:
                    unresolved += 1
                if dry_run:
                    continue
                actor._change_reason = CHANGE_REASON
                if author is not None:
                    actor._history_user = author
                actor.save(update_fields=["region", "region_source", "updated_at"])
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(
            f"Belgian actors without a postcode region: {verb} {changed}, unchanged {unchanged}, "
            f"still unknown {unresolved}. Region from the municipality: {identifiers.GEONAMES_ATTRIBUTION}."
        ))
