"""CORDIS projects and organisations (and EDF results in the same layout): parse and validate.

Pure functions on plain data, no database: ``validate_cordis`` turns the two CSV files into a
``CordisBatch`` of projects, participations and organisations, or a list of problems. The only
outside knowledge it needs, the project ids already in the registry, is passed in. Writing is
``visd.imports.actions.apply_cordis``. The formats and rules are documented in docs/data.md.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache, lru_cache

from django.utils.translation import gettext as _

from visd.actors import identifiers
from visd.actors.models import Actor, ActorKind
from visd.projects.models import ParticipationRole, Project, ProjectSource

from .problems import ProblemList
from .readers import CellReader, InputFile, Record, normalise_website, read_csv

# Project columns: CORDIS column -> (Project field, how the cell is read). The required ones are
# in every CORDIS and EDF results export; a missing optional column leaves the field untouched.
PROJECT_COLUMNS = {
    "id": ("external_id", "text"),
    "acronym": ("acronym", "text"),
    "title": ("title", "text"),
    "frameworkProgramme": ("framework_programme", "text"),
    "startDate": ("start_date", "date"),
    "endDate": ("end_date", "date"),
    "totalCost": ("total_cost", "amount"),
    "ecMaxContribution": ("ec_max_contribution", "amount"),
    "objective": ("objective", "text"),
    "status": ("status", "text"),
    "programme": ("programme", "text"),
    "topics": ("topics", "text"),
    "call": ("call", "text"),
    "fundingScheme": ("funding_scheme", "text"),
    "keywords": ("keywords", "text"),
    "projectUrl": ("url", "url"),
}
# Header-driven layouts: a field the Horizon Europe exports (project.csv, organization.csv of
# cordis-HORIZONprojects-csv.zip) name otherwise than the older CORDIS and EDF results files is
# found under either name, the first one a file has winning. Horizon Europe has no 'call' but the
# call identifier in 'subCall' (and the parent call in 'masterCall'), no 'programme' but the same
# programme code in 'legalBasis', the PIC in 'organisationID', and 'organizationURL' in capitals.
PROJECT_ALIASES = {
    "call": ("call", "subCall", "masterCall"),
    "programme": ("programme", "legalBasis"),
}
ORGANISATION_ALIASES = {
    "id": ("id", "organisationID"),
    "organizationUrl": ("organizationUrl", "organizationURL"),
}
PROJECT_REQUIRED = {"id", "acronym", "title", "frameworkProgramme", "startDate", "endDate", "totalCost",
                    "ecMaxContribution"}
PROJECT_REQUIRED_VALUES = {"id", "title"}

ORGANISATION_REQUIRED = {"projectID", "role", "id", "name", "country"}

# frameworkProgramme values whose projects are EDF results rather than CORDIS projects.
EDF_FRAMEWORK_PROGRAMMES = {"EDF"}

# CORDIS activityType -> Actor.kind. HES (higher or secondary education) is a university unless
# the name says it is a university college (see UNIVERSITY_COLLEGE_NAME).
ACTIVITY_TYPES = {
    "PRC": ActorKind.COMPANY,
    "HES": ActorKind.UNIVERSITY,
    "REC": ActorKind.RESEARCH_ORGANISATION,
    "PUB": ActorKind.PUBLIC_BODY,
    "OTH": ActorKind.OTHER,
}
# Names of higher-education institutions that are not universities: Dutch 'hogeschool', French
# 'haute école', German 'Fachhochschule' / 'Hochschule für angewandte Wissenschaften' and their
# English name 'university of applied sciences'. 'University College' is left out on purpose:
# University College London, Dublin and Cork are universities.
UNIVERSITY_COLLEGE_NAME = re.compile(
    r"hogeschool|hautes?\s+[ée]coles?|fachhochschule|hochschule\s+f[üu]e?r\s+angewandte|university\s+of\s+applied\s+sciences",
    re.IGNORECASE,
)

ROLES = {role.value: role.value for role in ParticipationRole}
PIC = re.compile(r"\d{9}")

# A VAT number worth matching on: a two-letter country prefix and then letters and digits, at
# least one of them a digit. CORDIS also has words such as 'MISSING' or 'VATEXEMPTION' there.
PLAUSIBLE_VAT = re.compile(r"[A-Z]{2}(?=[A-Z0-9]*\d)[A-Z0-9]{2,18}")


@cache
def _max_length(model, field_name: str) -> int | None:
    return model._meta.get_field(field_name).max_length


@lru_cache(maxsize=65536)
def kind_for(activity_kind: str | None, name: str) -> str | None:
    """Actor.kind for a CORDIS activity type already mapped by ACTIVITY_TYPES, refined by the name."""
    if activity_kind == ActorKind.UNIVERSITY and UNIVERSITY_COLLEGE_NAME.search(name):
        return ActorKind.UNIVERSITY_COLLEGE
    return activity_kind


@lru_cache(maxsize=65536)  # pure; an organisation's VAT number repeats on each of its rows
def usable_vat(value: str | None) -> str:
    """The VAT number to store and match on, or '' when the cell holds none. Belgian numbers must
    carry a valid enterprise number (check digits); other countries only need a plausible form,
    since their check rules are not ours to keep."""
    vat = identifiers.normalise_vat(value)
    if not vat or not PLAUSIBLE_VAT.fullmatch(vat):
        return ""
    if vat.startswith("BE"):
        kbo = identifiers.kbo_from_vat(vat)
        return f"BE{kbo}" if kbo else ""
    return vat


@dataclass
class ProjectRecord:
    file: str
    row: int
    source: str
    external_id: str
    fields: dict  # Project field -> value, only for the columns the file has


@dataclass(slots=True)  # one per participation: 200,000 in a full export
class ParticipationRecord:
    file: str
    row: int
    project_id: str
    pic: str
    role: str
    ec_contribution: object  # Decimal | None
    name_in_source: str
    end_of_participation: bool


@dataclass
class OrganisationRecord:
    """What the files say about one organisation (one PIC), consolidated over its rows."""

    pic: str
    name: str
    short_name: str = ""
    kind: str | None = None
    country: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    website: str = ""
    vat: str = ""

    @property
    def kbo(self) -> str:
        return identifiers.kbo_from_vat(self.vat)

    def values(self) -> tuple:
        """Every field, in order: what tells two descriptions of an organisation apart."""
        return tuple(getattr(self, name) for name in ORGANISATION_FIELDS)


ORGANISATION_FIELDS = tuple(f.name for f in fields(OrganisationRecord))


@dataclass
class CordisBatch:
    projects: list[ProjectRecord] = field(default_factory=list)
    participations: list[ParticipationRecord] = field(default_factory=list)
    organisations: dict[str, OrganisationRecord] = field(default_factory=dict)
    # Harmless oddities that were cleaned rather than refused, counted for the report.
    notes: Counter = field(default_factory=Counter)
    problems: ProblemList = field(default_factory=ProblemList)
    files: list[str] = field(default_factory=list)


def parse_projects(file: InputFile, problems: ProblemList) -> list[ProjectRecord]:
    table = read_csv(file, PROJECT_REQUIRED, problems, PROJECT_ALIASES)
    if table is None:
        return []
    present = [column for column in PROJECT_COLUMNS if column in table.fields]
    projects: list[ProjectRecord] = []
    first_row_of: dict[str, int] = {}
    for record in table.records:
        cells = CellReader(file.name, record, problems, table.column_of)
        values = {}
        for column in present:
            field_name, how = PROJECT_COLUMNS[column]
            if how == "date":
                values[field_name] = cells.date(column)
            elif how == "amount":
                values[field_name] = cells.amount(column)
            elif how == "url":
                values[field_name] = normalise_website(cells.text(column, _max_length(Project, field_name)))
            else:
                values[field_name] = cells.text(column, _max_length(Project, field_name),
                                                required=column in PROJECT_REQUIRED_VALUES)
        if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
            cells.problem("endDate", "date_order", _("The end date is before the start date."))
        external_id = values.pop("external_id")
        if not external_id:
            continue
        if external_id in first_row_of:
            cells.problem("id", "duplicate_id", _("Project %(id)s is already given at row %(row)s.")
                          % {"id": external_id, "row": first_row_of[external_id]})
            continue
        first_row_of[external_id] = record.row
        source = (ProjectSource.EDF if values["framework_programme"].upper() in EDF_FRAMEWORK_PROGRAMMES
                  else ProjectSource.CORDIS)
        projects.append(ProjectRecord(file=file.name, row=record.row, source=source, external_id=external_id,
                                      fields=values))
    return projects


# The cells an organisation row's description is made of (with the PIC and the name).
ORGANISATION_CELLS = ("shortName", "activityType", "country", "street", "postCode", "city", "organizationUrl",
                      "vatNumber")


def _organisation_of(cells: CellReader, pic: str, name: str) -> tuple[OrganisationRecord, tuple[str, ...]]:
    """What one row says about its organisation, and the notes (cleaned values) it gives rise to."""
    noted = []
    website_given = cells.text("organizationUrl")
    website = normalise_website(website_given)
    if len(website) > _max_length(Actor, "website"):
        website = ""
    if website_given and not website:
        noted.append("invalid_websites_dropped")
    vat_given = cells.raw("vatNumber")
    vat = usable_vat(vat_given)
    if vat_given and not vat:
        noted.append("invalid_vat_numbers_ignored")
    # Address fields longer than the registry keeps are cut rather than refused: they are context.
    return OrganisationRecord(
        pic=pic,
        name=name,
        short_name=cells.text("shortName")[: _max_length(Actor, "short_name")],
        kind=kind_for(cells.choice("activityType", ACTIVITY_TYPES), name),
        country=cells.country("country"),
        street=cells.text("street")[: _max_length(Actor, "street")],
        postcode=cells.text("postCode")[: _max_length(Actor, "postcode")],
        city=cells.text("city")[: _max_length(Actor, "city")],
        website=website,
        vat=vat,
    ), tuple(noted)


def _row_digest(record: Record) -> bytes:
    """A fingerprint of a row's cells, to recognise a row repeated word for word without keeping every
    row in memory (128 bits: two different rows that share one are not to be expected)."""
    return hashlib.blake2b("\x1f".join(record.cells.values()).encode(), digest_size=16).digest()


# Per PIC, each distinct description of the organisation with the recency of its most recent row:
# (start date of the project, order of the row).
Candidates = dict[str, dict[tuple, tuple[tuple, OrganisationRecord]]]


def parse_organisations(
    file: InputFile, problems: ProblemList, notes: Counter, start_dates: dict[str, date | None] | None = None
) -> tuple[list[ParticipationRecord], Candidates]:
    """Each organisation row as a participation, and what the rows say about each organisation
    (for :func:`consolidate_organisations`; ``start_dates`` are the projects' start dates by id).
    The rows are read one by one: an organisation's identical rows are kept once."""
    start_dates = start_dates or {}
    table = read_csv(file, ORGANISATION_REQUIRED, problems, ORGANISATION_ALIASES)
    if table is None:
        return [], {}
    participations: list[ParticipationRecord] = []
    candidates: Candidates = {}
    first_row_of: dict[tuple[str, str], tuple[int, bytes]] = {}
    read_before: dict[tuple, tuple[OrganisationRecord, tuple[str, ...]]] = {}
    name_length = _max_length(Actor, "name")
    for record in table.records:
        cells = CellReader(file.name, record, problems, table.column_of)
        project_id = cells.text("projectID", required=True)
        pic = cells.raw("id")
        if not PIC.fullmatch(pic):
            cells.problem("id", "bad_pic", _("'%(value)s' is not a PIC: a Participant Identification Code has "
                                             "exactly 9 digits.") % {"value": pic})
        name = cells.text("name", name_length, required=True)
        participation = ParticipationRecord(
            file=file.name,
            row=record.row,
            project_id=project_id,
            pic=pic,
            role=cells.choice("role", ROLES, required=True) or "",
            ec_contribution=cells.amount("ecContribution"),
            name_in_source=name,
            end_of_participation=cells.boolean("endOfParticipation"),
        )
        # An organisation's rows repeat the same cells: a description read without a problem is
        # reused for the same cells (its notes counted again); a row with a problem is read itself,
        # so that each such row reports its own problems.
        described_by = (pic, name, *map(record.cells.get, ORGANISATION_CELLS))
        if described_by in read_before:
            organisation, noted = read_before[described_by]
        else:
            problems_before = len(problems)
            organisation, noted = _organisation_of(cells, pic, name)
            if len(problems) == problems_before:
                read_before[described_by] = (organisation, noted)
        for note in noted:
            notes[note] += 1
        key = (project_id, pic)
        digest = _row_digest(record)
        if key in first_row_of:
            first_row, first_digest = first_row_of[key]
            if first_digest == digest:
                # The EDF results repeat a third party once per beneficiary it is linked to.
                notes["repeated_rows_ignored"] += 1
            else:
                cells.problem("id", "duplicate_participation",
                              _("Organisation %(pic)s is already listed for project %(project)s at row %(row)s, "
                                "with different values.")
                              % {"pic": pic, "project": project_id, "row": first_row})
            continue
        first_row_of[key] = (record.row, digest)
        recency = (start_dates.get(project_id) or date.min, len(participations))
        participations.append(participation)
        described = candidates.setdefault(pic, {})
        values = organisation.values()
        if values not in described or described[values][0] < recency:
            described[values] = (recency, organisation)
    return participations, candidates


def consolidate_organisations(candidates: Candidates) -> dict[str, OrganisationRecord]:
    """One record per PIC. The row of the most recent project (by start date, then the later row)
    gives name, kind and address; fields it leaves empty are taken from the next most recent row
    that has them. The address (street, postcode, city, country) always comes from one row."""
    consolidated = {}
    for pic, described in candidates.items():
        ordered = [organisation for _recency, organisation in sorted(described.values(), key=lambda c: c[0],
                                                                    reverse=True)]
        primary = ordered[0]
        merged = OrganisationRecord(pic=pic, name=primary.name, kind=primary.kind, country=primary.country,
                                    street=primary.street, postcode=primary.postcode, city=primary.city)
        for attribute in ("short_name", "kind", "website", "vat"):
            if not getattr(merged, attribute):
                setattr(merged, attribute, next((getattr(o, attribute) for o in ordered if getattr(o, attribute)), ""))
        if not (merged.street or merged.postcode or merged.city):
            with_address = next((o for o in ordered if o.street or o.postcode or o.city), None)
            if with_address is not None:
                merged.street, merged.postcode, merged.city = with_address.street, with_address.postcode, with_address.city
                merged.country = with_address.country or merged.country
        merged.kind = merged.kind or None
        consolidated[pic] = merged
    return consolidated


def validate_cordis(
    projects_file: InputFile | None,
    organisations_file: InputFile | None,
    known_project_ids: set[str] = frozenset(),
) -> CordisBatch:
    """Parse and check a projects file and/or an organisations file. ``known_project_ids`` are the
    ids of projects already in the registry, which organisation rows may refer to. When
    ``batch.problems`` is not empty nothing may be written."""
    batch = CordisBatch()
    if projects_file is None and organisations_file is None:
        batch.problems.add("-", "no_files", _("Give a projects file, an organisations file or both."))
        return batch
    if projects_file is not None:
        batch.files.append(projects_file.name)
        batch.projects = parse_projects(projects_file, batch.problems)
    if organisations_file is not None:
        batch.files.append(organisations_file.name)
        start_dates = {project.external_id: project.fields.get("start_date") for project in batch.projects}
        participations, candidates = parse_organisations(organisations_file, batch.problems, batch.notes,
                                                         start_dates)
        referable = {project.external_id for project in batch.projects} | set(known_project_ids)
        for participation in participations:
            if participation.project_id and participation.project_id not in referable:
                batch.problems.add(
                    participation.file, "unknown_project",
                    _("Project %(id)s is neither in the projects file nor in the registry.")
                    % {"id": participation.project_id},
                    row=participation.row, column="projectID",
                )
        batch.participations = participations
        batch.organisations = consolidate_organisations(candidates)
    return batch
