"""Merging two records of one organisation (two PICs) into one: used by the merge page and by
``visd merge-actors``. See docs/data.md ("Merging duplicates").

Every row that points to the merged record moves to the kept one. The relations are found
generically (every foreign key to ``Actor``, including the tables behind many-to-many fields and
hidden ones), so a relation added later is not forgotten. A row that would clash with a unique
constraint (the same project twice, the same tag twice) is not moved: the kept record's row stays,
the merged one's is deleted, and a note says so (two participations in one project become one, with
the first role, the summed contribution; a tag a person attached wins over a derived one). The merged record's PIC goes into the kept record's
``other_pics``; its identifiers and descriptive fields fill those the kept record lacks; a conflicting
enterprise (KBO) or VAT number refuses the merge. Everything happens in one transaction, each moved
row is saved through the ORM (so its history records the change and the matching index's change
marks move), the merged record is deleted (its history keeps a deletion row), and an ``ActorMerge``
audit entry records who merged what.
"""

from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from .models import Actor, ActorMerge, TagOrigin

# Filled on the kept record when it has none (identifiers first; the PIC is handled apart).
FILLED_FIELDS = ("kbo", "vat", "short_name", "preferred_name", "website", "street", "postcode", "city", "country",
                 "description_nl", "description_en", "size_class", "value_chain_position", "defence_profile")


class MergeError(Exception):
    """Bad input: nothing was changed."""


@dataclass
class MergePlan:
    keep: Actor
    merge: Actor
    moves: dict = field(default_factory=dict)      # relation label -> rows that will move
    clashes: list = field(default_factory=list)    # notes on rows that duplicate one of the kept record
    filled: dict = field(default_factory=dict)     # field -> value taken from the merged record
    other_pics: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.moves.values())


def relations() -> list[models.ForeignKey]:
    """Every foreign key to Actor except those of history tables: reverse relations, hidden ones
    (``related_name="+"``) and the tables behind many-to-many fields (cluster memberships, both ways)."""
    fks = []
    for rel in Actor._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue  # many-to-many: moved through the rows of its table, found here as foreign keys
        if issubclass(rel.related_model, HistoricalChanges):
            continue
        fks.append(rel.field)
    return sorted(fks, key=relation_label)


def relation_label(fk) -> str:
    return f"{fk.model._meta.label}.{fk.name}"


def count_related(actor) -> dict[str, int]:
    """Rows pointing to ``actor`` per relation (for the confirm page and the tests)."""
    return {relation_label(fk): fk.model._base_manager.filter(**{fk.name: actor.pk}).count() for fk in relations()}


def _unique_sets(fk) -> list[tuple[str, ...]]:
    """The unique field sets of the relation's model that include the foreign key."""
    opts = fk.model._meta
    sets = [tuple(names) for names in opts.unique_together]
    sets += [tuple(c.fields) for c in opts.constraints
             if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None]
    if fk.unique:
        sets.append((fk.name,))
    return [names for names in sets if fk.name in names]


def _clash(fk, row, keep):
    """The kept record's row that ``row`` would duplicate once moved, or None."""
    opts = fk.model._meta
    for names in _unique_sets(fk):
        lookup = {}
        for name in names:
            attname = opts.get_field(name).attname
            lookup[attname] = keep.pk if name == fk.name else getattr(row, attname)
        existing = fk.model._base_manager.filter(**lookup).exclude(pk=row.pk).first()
        if existing is not None:
            return existing
    return None


def _self_loop(fk, row, keep) -> bool:
    """A row that would point to the kept record twice (the kept record a member of itself)."""
    for other in fk.model._meta.concrete_fields:
        if other is not fk and isinstance(other, models.ForeignKey) and other.related_model is Actor \
                and getattr(row, other.attname) == keep.pk and fk.model._meta.auto_created:
            return True
    return False


def check(keep_id, merge_id) -> tuple[Actor, Actor]:
    """The two records, or MergeError with a clear message."""
    try:
        keep_id, merge_id = int(keep_id), int(merge_id)
    except (TypeError, ValueError):
        raise MergeError(_("Give two actor ids (whole numbers).")) from None
    if keep_id == merge_id:
        raise MergeError(_("Choose two different records: actor %(id)s cannot be merged into itself.") % {"id": keep_id})
    found = Actor.objects.in_bulk([keep_id, merge_id])
    for pk in (keep_id, merge_id):
        if pk not in found:
            raise MergeError(_("There is no actor %(id)s.") % {"id": pk})
    keep, merge = found[keep_id], found[merge_id]
    messages = {
        "kbo": _("The records have different enterprise numbers (KBO), %(keep)s and %(merge)s: they are different "
                 "organisations, so they are not merged."),
        "vat": _("The records have different VAT numbers, %(keep)s and %(merge)s: they are different organisations, "
                 "so they are not merged."),
    }
    for name, message in messages.items():
        mine, theirs = getattr(keep, name), getattr(merge, name)
        if mine and theirs and mine != theirs:
            raise MergeError(message % {"keep": mine, "merge": theirs})
    return keep, merge


def plan(keep_id, merge_id) -> MergePlan:
    """What a merge would do, without changing anything (the confirm page shows it)."""
    keep, merge = check(keep_id, merge_id)
    result = MergePlan(keep=keep, merge=merge)
    for fk in relations():
        moving = 0
        for row in fk.model._base_manager.filter(**{fk.name: merge.pk}):
            if _self_loop(fk, row, keep):
                result.clashes.append(_("%(relation)s: the link between the two records is dropped.")
                                      % {"relation": relation_label(fk)})
            elif (existing := _clash(fk, row, keep)) is not None:
                result.clashes.append(_("%(relation)s: “%(row)s” duplicates “%(existing)s” of the kept record; "
                                        "one is kept (%(kept_id)s), the merged record's row %(row_id)s is removed.")
                                      % {"relation": relation_label(fk), "row": row, "existing": existing,
                                         "kept_id": existing.pk, "row_id": row.pk})
            else:
                moving += 1
        if moving:
            result.moves[relation_label(fk)] = moving
    result.filled = {name: getattr(merge, name) for name in FILLED_FIELDS
                     if getattr(merge, name) and not getattr(keep, name)}
    pics = [merge.pic, *(merge.other_pics or [])] if keep.pic else list(merge.other_pics or [])
    if not keep.pic and merge.pic:
        result.filled["pic"] = merge.pic
    result.other_pics = [pic for pic in pics if pic and pic != keep.pic and pic not in (keep.other_pics or [])]
    return result


def _save_row(row, fk, keep, reason, user) -> None:
    setattr(row, fk.attname, keep.pk)
    row._change_reason = reason
    if user is not None:
        row._history_user = user
    fields = [fk.attname] + (["updated_at"] if any(f.name == "updated_at" for f in row._meta.concrete_fields) else [])
    row.save(update_fields=fields)


def _prefer_tag(existing, row) -> None:
    """A tag a person attached (curated or self-declared) wins over a derived one of the kept record."""
    if existing.origin == TagOrigin.DERIVED and row.origin != TagOrigin.DERIVED:
        existing.origin, existing.confidence, existing.evidence = row.origin, row.confidence, row.evidence
        existing.save()


def _combine_participation(existing, row, reason, user) -> None:
    """Both records took part in the same project: one participation stays, as the importer makes one
    of two PICs in a project (docs/data.md): the first role in the order of the role choices, the sum
    of the contributions, ended early only if both ended."""
    from visd.projects.models import ParticipationRole

    order = list(ParticipationRole.values)
    rank = {role: position for position, role in enumerate(order)}
    existing.role = min(existing.role, row.role, key=lambda role: rank.get(role, len(order)))
    if row.ec_contribution is not None:
        existing.ec_contribution = (existing.ec_contribution or 0) + row.ec_contribution
    existing.end_of_participation = existing.end_of_participation and row.end_of_participation
    existing._change_reason = reason
    if user is not None:
        existing._history_user = user
    existing.save()


def merge_actors(keep_id, merge_id, user=None) -> ActorMerge:
    """Merge record ``merge_id`` into ``keep_id`` in one transaction; MergeError (nothing changed)
    on bad input or a clash that cannot be resolved."""
    with transaction.atomic():
        keep, merge = check(keep_id, merge_id)
        keep = Actor.objects.select_for_update().get(pk=keep.pk)
        merge = Actor.objects.select_for_update().get(pk=merge.pk)
        the_plan = plan(keep.pk, merge.pk)
        reason = f"merged actor #{merge.pk} into #{keep.pk}"[:100]
        moved, notes = {}, []
        for fk in relations():
            for row in list(fk.model._base_manager.filter(**{fk.name: merge.pk})):
                label = relation_label(fk)
                existing = None if _self_loop(fk, row, keep) else _clash(fk, row, keep)
                if existing is None and not _self_loop(fk, row, keep):
                    _save_row(row, fk, keep, reason, user)
                    moved[label] = moved.get(label, 0) + 1
                    continue
                if existing is not None and fk.model._meta.label == "actors.ActorTag":
                    _prefer_tag(existing, row)
                if existing is not None and fk.model._meta.label == "projects.Participation":
                    _combine_participation(existing, row, reason, user)
                notes.append({"relation": label, "removed": row.pk, "kept": getattr(existing, "pk", None),
                              "row": str(row)[:200]})
                row._change_reason = reason
                if user is not None:
                    row._history_user = user
                try:
                    row.delete()
                except ProtectedError:
                    raise MergeError(_("%(relation)s: “%(row)s” duplicates a row of the kept record and other "
                                       "records depend on it; resolve it by hand first.")
                                     % {"relation": label, "row": row}) from None
        audit = ActorMerge.objects.create(
            survivor=keep, merged_id=merge.pk, merged_name=merge.name, performed_by=user, moved=moved, notes=notes,
            merged_identifiers={"pic": merge.pic, "other_pics": merge.other_pics, "kbo": merge.kbo, "vat": merge.vat},
        )
        merge._change_reason = reason
        if user is not None:
            merge._history_user = user
        merge.delete()
        for name, value in the_plan.filled.items():
            setattr(keep, name, value)
        keep.other_pics = [*(keep.other_pics or []), *the_plan.other_pics]
        keep._change_reason = reason
        if user is not None:
            keep._history_user = user
        keep.save()
        return audit
