"""The importers of CORDIS (and EDF results) and of Funding & Tenders topics, on the importer core.

Each importer checks with the pure functions of ``visd.imports.cordis`` / ``visd.imports.topics``
and writes with the ``apply_*`` functions here; ``visd.imports.core.run_import`` holds the import lock,
records the ``ImportRun`` and writes all or nothing. Records are compared field by field and saved
only when a value changed, so importing the same files again creates no history rows. The command,
the upload page and ``load_demo`` all call ``import_cordis`` and ``import_topics``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from visd.actors.models import Actor, ActorKind
from visd.funding.models import Call
from visd.projects.models import Participation, ParticipationRole, Project, ProjectSource

from . import bulk
from .core import Importer, Tally, Writer, changed_fields, load_for_update, run_import, set_changed
from .cordis import CordisBatch, OrganisationRecord, ParticipationRecord, validate_cordis
from .models import ImportRun
from .problems import ProblemList
from .readers import InputFile
from .topics import TopicBatch, validate_topics

IMPORTED_PROJECT_SOURCES = (ProjectSource.CORDIS, ProjectSource.EDF)
# The source label goes into the data_source field of projects, actors and calls (same length).
LABEL_LENGTH = Project._meta.get_field("data_source").max_length
# When one organisation takes part under two PICs in one project (the same VAT number), its single
# participation keeps the first of these roles: the order of ParticipationRole.
ROLE_PRIORITY = {role.value: rank for rank, role in enumerate(ParticipationRole)}


def _check_label(label: str, problems: ProblemList) -> None:
    """The source label is stored in the records' ``data_source`` field: it must fit."""
    if len(label.strip()) > LABEL_LENGTH:
        problems.add("-", "too_long", _("The data source label has %(length)s characters; at most %(max)s are "
                                         "allowed.") % {"length": len(label.strip()), "max": LABEL_LENGTH},
                     column="source_label")


def _reason(kind: str, label: str) -> str:
    return f"Import {kind}: {label}"


# --- CORDIS projects and organisations -------------------------------------------------------


def import_cordis(
    projects_file: InputFile | None,
    organisations_file: InputFile | None,
    *,
    source_label: str = "",
    user=None,
    wait: bool = True,
) -> ImportRun:
    """Validate and, when there is no problem, apply a CORDIS (or EDF results) projects file and/or
    organisations file. ``source_label`` becomes the data source of the records (default: the
    projects file name, else the organisations file name). Waits for the import lock (``wait=False``:
    ``ImportBusy`` at once)."""
    return run_import(CordisImport(projects_file, organisations_file, source_label), user, wait=wait).run


class _LabelledImport(Importer):
    """A CORDIS or topics import: the problems of its validated batch, and a source label that must fit."""

    source_label: str

    def validate(self) -> CordisBatch | TopicBatch:
        raise NotImplementedError

    def check(self) -> ProblemList:
        self.batch = self.validate()
        self.files = self.batch.files
        _check_label(self.source_label, self.batch.problems)
        return self.batch.problems


class CordisImport(_LabelledImport):
    kind = "cordis"

    def __init__(self, projects_file: InputFile | None, organisations_file: InputFile | None, source_label: str = ""):
        self.projects_file, self.organisations_file = projects_file, organisations_file
        self.source_label = source_label
        self.files = [file.name for file in (projects_file, organisations_file) if file is not None]
        self.batch: CordisBatch | None = None

    def validate(self) -> CordisBatch:
        known_project_ids = set(
            Project.objects.filter(source__in=IMPORTED_PROJECT_SOURCES).values_list("external_id", flat=True)
        )
        return validate_cordis(self.projects_file, self.organisations_file, known_project_ids)

    def write(self, user) -> dict:
        return apply_cordis(self.batch, self.source_label.strip() or self.batch.files[0][:LABEL_LENGTH], user)


def apply_cordis(batch: CordisBatch, source_label: str, user=None) -> dict:
    """Write a validated batch; returns the counts. Call inside a transaction."""
    tally = Tally("projects", "actors", "participations")
    writer = Writer(user, _reason("cordis", source_label))
    project_ids = _apply_projects(batch, source_label, writer, tally)
    actors_by_pic = _apply_actors(batch, source_label, writer, tally)
    _apply_participations(batch.participations, project_ids, actors_by_pic, writer, tally)
    counts = tally.counts
    counts["notes"] = dict(sorted(batch.notes.items()))
    return counts


def _apply_changes(model, changes: dict[int, dict], writer: Writer, tally: Tally, record_type: str) -> None:
    """Load the records that changed (by id), set their new values and save them in bulk."""
    fields: set[str] = set()
    objects = []
    for obj in load_for_update(model, changes):
        for name, value in changes[obj.pk].items():
            setattr(obj, name, value)
        fields |= set(changes[obj.pk])
        objects.append(obj)
    writer.bulk_update(model, objects, fields)
    tally.add(record_type, "updated", len(objects))


def _apply_projects(batch: CordisBatch, source_label: str, writer: Writer, tally: Tally) -> dict[str, int]:
    """Create or update the projects of the file; returns the id of every project the participations
    refer to, by CORDIS id. Only the compared fields of the existing projects are read (by CORDIS id,
    in chunks), and only the changed ones are loaded as records."""
    referenced = sorted({record.external_id for record in batch.projects} | {p.project_id for p in batch.participations})
    compared = sorted({"source", "data_source"} | {name for record in batch.projects for name in record.fields})
    existing: dict[str, dict] = {}
    for external_ids in bulk.chunks(referenced):
        for row in Project.objects.filter(source__in=IMPORTED_PROJECT_SOURCES, external_id__in=external_ids).values(
                "pk", "external_id", *compared):
            existing[row["external_id"]] = row
    new, changes = [], {}
    for record in batch.projects:
        values = {**record.fields, "source": record.source, "data_source": source_label}
        stored = existing.get(record.external_id)
        if stored is None:
            new.append(bulk.complete(Project, {"external_id": record.external_id, **values}, writer.now))
        elif changed := changed_fields(stored, values):
            changes[stored["pk"]] = {name: values[name] for name in changed}
        else:
            tally.add("projects", "unchanged")
    _apply_changes(Project, changes, writer, tally, "projects")
    ids = {external_id: row["pk"] for external_id, row in existing.items()}
    if new:
        writer.bulk_insert(Project, new)
        created = [record["external_id"] for record in new]
        for external_ids in bulk.chunks(created):
            ids.update(Project.objects.filter(source__in=IMPORTED_PROJECT_SOURCES, external_id__in=external_ids)
                       .values_list("external_id", "pk"))
        for record in new:
            record["id"] = ids[record["external_id"]]
        writer.bulk_history(Project, new)
    tally.add("projects", "created", len(new))
    return ids


class _ActorIndex:
    """Existing and new actors by PIC (main and other PICs), VAT number and enterprise number."""

    def __init__(self, actors):
        self.by_pic: dict[str, Actor] = {}
        self.by_vat: dict[str, Actor] = {}
        self.by_kbo: dict[str, Actor] = {}
        for actor in actors:
            self.register(actor)

    def register(self, actor: Actor) -> None:
        for pic in [actor.pic, *actor.other_pics]:
            if pic:
                self.by_pic[pic] = actor
        if actor.vat:
            self.by_vat[actor.vat] = actor
        if actor.kbo:
            self.by_kbo[actor.kbo] = actor

    def vat_is_free_for(self, actor: Actor, vat: str, kbo: str) -> bool:
        """Whether ``actor`` may take this VAT number (and the enterprise number inside it)
        without taking another actor's: both are unique in the registry."""
        return self.by_vat.get(vat, actor) is actor and (not kbo or self.by_kbo.get(kbo, actor) is actor)


def _fill_blanks(actor: Actor, organisation: OrganisationRecord, index: _ActorIndex) -> list[str]:
    """Complete an existing actor with what the file knows, never overwriting a value: actors are
    curated in the registry, and a CORDIS address is the one of the time of the project."""
    values = {}
    for name in ("short_name", "website"):
        if not getattr(actor, name) and getattr(organisation, name):
            values[name] = getattr(organisation, name)
    if not actor.country and organisation.country:
        values["country"] = organisation.country
    same_country = (values.get("country") or actor.country) == organisation.country
    if not (actor.street or actor.postcode or actor.city) and same_country:
        for name in ("street", "postcode", "city"):
            if getattr(organisation, name):
                values[name] = getattr(organisation, name)
    if not actor.vat and organisation.vat and index.vat_is_free_for(actor, organisation.vat, organisation.kbo):
        values["vat"] = organisation.vat
        if not actor.kbo and organisation.kbo:
            values["kbo"] = organisation.kbo
    if not actor.pk and actor.kind == ActorKind.OTHER and organisation.kind:
        # An actor created by this same import (from another PIC) has no curated kind yet.
        values["kind"] = organisation.kind
    changed = set_changed(actor, values)
    # The region is derived (postcode, else a region set by a person, else the municipality in
    # GeoNames): save it when it differs, also for an actor imported before a rule was added.
    region, region_source = actor.derived_region()
    if (actor.region, actor.region_source) != (region, region_source):
        actor.region, actor.region_source = region, region_source
        changed += ["region", "region_source"]
    return changed


def _new_actor(organisation: OrganisationRecord, source_label: str) -> Actor:
    return Actor(
        name=organisation.name,
        short_name=organisation.short_name,
        kind=organisation.kind or ActorKind.OTHER,
        pic=organisation.pic,
        vat=organisation.vat or None,
        kbo=organisation.kbo or None,
        country=organisation.country,
        street=organisation.street,
        postcode=organisation.postcode,
        city=organisation.city,
        website=organisation.website,
        data_source=source_label,
    )


def _apply_actors(batch: CordisBatch, source_label: str, writer: Writer, tally: Tally) -> dict[str, Actor]:
    """Match every organisation of the batch to an actor, by PIC, then VAT number, then enterprise
    number (KBO), creating the actors that match none. A PIC matched by VAT or KBO is kept in
    ``other_pics``. Returns the actor of every PIC."""
    index = _ActorIndex(Actor.objects.all())
    actor_of: dict[str, Actor] = {}
    changed_fields: dict[int, set[str]] = {}  # id(actor) -> fields to save, for existing actors
    new: list[Actor] = []
    # First the PICs the registry knows, so that their actors claim their VAT numbers before an
    # unknown PIC could create a second actor with the same VAT number.
    known = [o for o in batch.organisations.values() if o.pic in index.by_pic]
    unknown = [o for o in batch.organisations.values() if o.pic not in index.by_pic]
    for organisation in known + unknown:
        actor = index.by_pic.get(organisation.pic)
        if actor is None:
            actor = index.by_vat.get(organisation.vat) or index.by_kbo.get(organisation.kbo)
            if actor is not None:
                batch.notes["pics_matched_by_vat_or_kbo"] += 1
                if organisation.pic not in actor.other_pics:
                    actor.other_pics = [*actor.other_pics, organisation.pic]
                    if actor.pk:
                        changed_fields.setdefault(id(actor), set()).add("other_pics")
        if actor is None:
            actor = _new_actor(organisation, source_label)
            new.append(actor)
        else:
            fields = _fill_blanks(actor, organisation, index)
            if fields and actor.pk:
                changed_fields.setdefault(id(actor), set()).update(fields)
        index.register(actor)
        actor_of[organisation.pic] = actor

    touched = {id(actor): actor for actor in actor_of.values() if actor.pk}
    for key, actor in touched.items():
        if key in changed_fields:
            # One by one with save(): an actor carries the lost-update counter that people's edits are
            # checked against, and a newer export completes only a few of them.
            writer.update(actor, sorted(changed_fields[key]))
            tally.add("actors", "updated")
        else:
            tally.add("actors", "unchanged")
    if new:
        records = []
        for actor in new:
            actor.derive_fields()
            records.append(bulk.complete(Actor, {field.attname: getattr(actor, field.attname)
                                                 for field in Actor._meta.concrete_fields if not field.primary_key},
                                         writer.now))
        writer.bulk_insert(Actor, records)
        ids = {}
        for pics in bulk.chunks([actor.pic for actor in new]):
            ids.update(Actor.objects.filter(pic__in=pics).values_list("pic", "pk"))
        for actor, record in zip(new, records, strict=True):
            actor.pk = record["id"] = ids[actor.pic]
            actor._state.adding = False
        writer.bulk_history(Actor, records)
    tally.add("actors", "created", len(new))
    return actor_of


def _merged_participations(
    records: list[ParticipationRecord], project_ids: dict[str, int], actor_of: dict[str, Actor]
) -> dict[tuple[int, int], dict]:
    """The participation values per (project, actor). Two PICs of one organisation in one project
    become one participation: the first role of ROLE_PRIORITY, the sum of the contributions, ended
    only when both ended."""
    merged: dict[tuple[int, int], dict] = {}
    for record in records:
        key = (project_ids[record.project_id], actor_of[record.pic].pk)
        values = {
            "role": record.role,
            "ec_contribution": record.ec_contribution,
            "name_in_source": record.name_in_source,
            "end_of_participation": record.end_of_participation,
        }
        if key not in merged:
            merged[key] = values
            continue
        first = merged[key]
        if ROLE_PRIORITY[values["role"]] < ROLE_PRIORITY[first["role"]]:
            first["role"] = values["role"]
        if values["ec_contribution"] is not None:
            first["ec_contribution"] = (first["ec_contribution"] or 0) + values["ec_contribution"]
        first["end_of_participation"] = first["end_of_participation"] and values["end_of_participation"]
    return merged


PARTICIPATION_VALUES = ("role", "ec_contribution", "name_in_source", "end_of_participation")


def _apply_participations(records, project_ids: dict[str, int], actor_of, writer: Writer, tally: Tally) -> None:
    merged = _merged_participations(records, project_ids, actor_of)
    existing: dict[tuple[int, int], tuple] = {}
    for projects in bulk.chunks(sorted({project_id for project_id, _actor_id in merged})):
        for pk, project_id, actor_id, *values in Participation.objects.filter(project_id__in=projects).values_list(
                "pk", "project_id", "actor_id", *PARTICIPATION_VALUES):
            existing[(project_id, actor_id)] = (pk, dict(zip(PARTICIPATION_VALUES, values, strict=True)))
    new, changes = [], {}
    for (project_id, actor_id), values in merged.items():
        stored = existing.get((project_id, actor_id))
        if stored is None:
            new.append(bulk.complete(Participation, {"project_id": project_id, "actor_id": actor_id, **values},
                                     writer.now))
        elif changed := changed_fields(stored[1], values):
            changes[stored[0]] = {name: values[name] for name in changed}
        else:
            tally.add("participations", "unchanged")
    _apply_changes(Participation, changes, writer, tally, "participations")
    if new:
        writer.bulk_insert(Participation, new)
        created = {(record["project_id"], record["actor_id"]) for record in new}
        ids = {}
        for projects in bulk.chunks(sorted({project_id for project_id, _actor_id in created})):
            for pk, project_id, actor_id in Participation.objects.filter(project_id__in=projects).values_list(
                    "pk", "project_id", "actor_id"):
                if (project_id, actor_id) in created:
                    ids[(project_id, actor_id)] = pk
        for record in new:
            record["id"] = ids[(record["project_id"], record["actor_id"])]
        writer.bulk_history(Participation, new)
    tally.add("participations", "created", len(new))


# --- Funding & Tenders topics ----------------------------------------------------------------


def import_topics(files: list[InputFile], *, source_label: str = "", user=None, wait: bool = True) -> ImportRun:
    """Validate and, when there is no problem, apply Funding & Tenders topic files (JSON Lines).
    Waits for the import lock (``wait=False``: ``ImportBusy`` at once)."""
    return run_import(TopicsImport(files, source_label), user, wait=wait).run


class TopicsImport(_LabelledImport):
    kind = "topics"

    def __init__(self, files: list[InputFile], source_label: str = ""):
        self.input_files, self.source_label = files, source_label
        self.files = [file.name for file in files]
        self.batch: TopicBatch | None = None

    def validate(self) -> TopicBatch:
        return validate_topics(self.input_files)

    def write(self, user) -> dict:
        # Looked up at call time: a test slows or breaks this step to watch the lock and the transaction.
        return apply_topics(self.batch, self.source_label, user)


def apply_topics(batch: TopicBatch, source_label: str = "", user=None) -> dict:
    """Create or update one Call per topic; returns the counts. Call inside a transaction."""
    tally = Tally("calls")
    label_of_file = {name: source_label.strip() or name[:LABEL_LENGTH] for name in batch.files}
    writer = Writer(user, _reason("topics", source_label.strip() or ", ".join(batch.files)))
    existing = {call.topic_id: call for call in Call.objects.filter(topic_id__in=[t.topic_id for t in batch.topics])}
    new = []
    for topic in batch.topics:
        values = {**topic.fields, "data_source": label_of_file[topic.file]}
        call = existing.get(topic.topic_id)
        if call is None:
            new.append(Call(topic_id=topic.topic_id, **values))
            continue
        changed = set_changed(call, values)
        if changed:
            writer.update(call, changed)
            tally.add("calls", "updated")
        else:
            tally.add("calls", "unchanged")
    writer.create(Call, new)
    tally.add("calls", "created", len(new))
    return tally.counts
