"""How one row of a participants spreadsheet (CSV or XLSX export) becomes a RegistrationSubmitted.

The row is a mapping from column name to cell text. Lists are written the way a spreadsheet user can type them:
semicolon-separated values in one cell (``C10.8; C28.9``), and offers or requests as blocks
``kind: title | description | keyword; keyword`` separated by ``||`` or by a blank line inside the cell.

Every problem is reported against the column the user wrote, not the message field it ends up in, so a report line
reads ``offers (item 2): 'tech' is not a kind ...`` instead of ``registration.profile.offers.1.kind``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from contracts.countries import ISO_3166_ALPHA2
from contracts.registrations import DelegationRole, ItemKind, OrganisationType, RegistrationSubmitted

REQUIRED_COLUMNS = ("reference", "first_name", "last_name", "email", "organisation", "organisation_type", "country", "consent")
OPTIONAL_COLUMNS = (
    "revision", "phone", "job_title", "language", "region", "cluster", "sectors", "website", "description", "offers",
    "requests", "topics", "target_countries", "languages", "delegation_id", "delegation_name", "delegation_role",
    "unavailable_slots", "meeting_cap", "share_profile", "marketing",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# The message field each column fills, used to name the column again when the model (or the service) objects.
_PATH_OF_COLUMN = {
    "reference": "reference",
    "revision": "revision",
    "first_name": "registration.person.first_name",
    "last_name": "registration.person.last_name",
    "email": "registration.person.email",
    "phone": "registration.person.phone",
    "job_title": "registration.person.job_title",
    "language": "registration.person.language",
    "organisation": "registration.organisation.name",
    "organisation_type": "registration.organisation.type",
    "country": "registration.organisation.country",
    "region": "registration.organisation.region",
    "cluster": "registration.organisation.cluster_name",
    "sectors": "registration.organisation.sector_codes",
    "website": "registration.organisation.website",
    "description": "registration.profile.description",
    "offers": "registration.profile.offers",
    "requests": "registration.profile.requests",
    "topics": "registration.profile.topics",
    "target_countries": "registration.profile.target_countries",
    "languages": "registration.profile.languages",
    "delegation_id": "registration.delegation.delegation_id",
    "delegation_name": "registration.delegation.name",
    "delegation_role": "registration.delegation.role",
    "unavailable_slots": "registration.availability.unavailable_slots",
    "meeting_cap": "registration.meeting_cap",
    "consent": "registration.consents.data_processing",
    "share_profile": "registration.consents.share_profile",
    "marketing": "registration.consents.marketing",
}
_COLUMN_OF_PATH = {path: column for column, path in _PATH_OF_COLUMN.items()}

_YES = {"yes", "y", "true", "1", "x", "ja", "oui", "si", "sí", "sim"}
_NO = {"no", "n", "false", "0", "nein", "non", "não", "nao", ""}
_ORGANISATION_ALIASES = {
    "cluster": OrganisationType.CLUSTER,
    "cluster_organization": OrganisationType.CLUSTER,
    "company": OrganisationType.SME,
    "large": OrganisationType.LARGE_COMPANY,
    "university": OrganisationType.RESEARCH,
    "research_organisation": OrganisationType.RESEARCH,
    "public": OrganisationType.PUBLIC_BODY,
    "public_authority": OrganisationType.PUBLIC_BODY,
}
_SLOT_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::00)?$")
_NO_CONSENT = "must be yes: without consent to data processing the person cannot be registered"
_BLOCK_SEPARATOR = re.compile(r"\|\||\n[ \t]*\n")


@dataclass(frozen=True)
class RowResult:
    """A mapped row: the submission, or the reasons it was rejected as (column, message) pairs."""

    row_number: int
    reference: str
    submission: RegistrationSubmitted | None = None
    reasons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.submission is not None


class _Problems:
    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def add(self, column: str, message: str) -> None:
        self.found.append((column, message))


def split_list(cell: str) -> list[str]:
    """Values of a semicolon-separated cell (line breaks count as separators too); empty values are dropped."""
    return [part.strip() for part in re.split(r"[;\n]", cell) if part.strip()]


def _flag(cell: str, column: str, problems: _Problems, default: bool) -> bool:
    value = cell.strip().lower()
    if not value:
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    problems.add(column, f"'{cell.strip()}' is not yes or no (write yes/no, true/false, 1/0 or x)")
    return default


def _whole_number(cell: str, column: str, problems: _Problems) -> int | None:
    value = cell.strip()
    if not value:
        return None
    if re.fullmatch(r"[+]?\d{1,9}(\.0+)?", value):  # spreadsheets turn 3 into 3.0
        return int(float(value))
    problems.add(column, f"'{value}' is not a whole number")
    return None


def _organisation_type(cell: str, problems: _Problems) -> str:
    value = re.sub(r"[\s-]+", "_", cell.strip().lower())
    allowed = {t.value for t in OrganisationType}
    if value in allowed:
        return value
    if value in _ORGANISATION_ALIASES:
        return _ORGANISATION_ALIASES[value].value
    if not value:
        problems.add("organisation_type", "missing; write one of " + ", ".join(sorted(allowed)))
    else:
        problems.add("organisation_type", f"'{cell.strip()}' is not one of " + ", ".join(sorted(allowed)))
    return value


def parse_items(cell: str, column: str, problems: _Problems) -> list[dict[str, Any]]:
    """Offers or requests from ``kind: title | description | kw1; kw2`` blocks separated by ``||`` or a blank line."""
    items: list[dict[str, Any]] = []
    kinds = ", ".join(k.value for k in ItemKind)
    blocks = [b.strip() for b in _BLOCK_SEPARATOR.split(cell.replace("\r\n", "\n")) if b.strip()]
    for number, block in enumerate(blocks, start=1):
        where = f"{column} (item {number})"
        kind, colon, rest = block.partition(":")
        kind = kind.strip().lower()
        if not colon or kind not in {k.value for k in ItemKind}:
            shown = kind if colon and len(kind) <= 30 else (block[:30] + "…" if len(block) > 30 else block)
            problems.add(where, f"'{shown}' does not start with a kind and a colon; write "
                                f"'kind: title | description | keyword; keyword' with kind one of {kinds}")
            continue
        parts = [p.strip() for p in rest.split("|")]
        if len(parts) > 3:
            problems.add(where, "has more than three parts; write 'kind: title | description | keyword; keyword' "
                                "(a '|' cannot appear inside the description)")
            continue
        parts += [""] * (3 - len(parts))
        title, description, keywords = parts
        if not title:
            problems.add(where, "has no title; write 'kind: title | description | keyword; keyword'")
            continue
        items.append({"kind": kind, "title": title, "description": description, "keywords": split_list(keywords)})
    return items


def _slot_ids(cell: str, problems: _Problems) -> list[str]:
    slots = []
    for value in split_list(cell):
        match = _SLOT_ID.match(value)
        if not match:
            problems.add("unavailable_slots", f"'{value}' is not a slot start like 2027-04-13T14:20 (date, T, local time)")
            continue
        day, hour, minute = match.groups()
        try:
            moment = dt.datetime.fromisoformat(f"{day}T{int(hour):02d}:{minute}")
        except ValueError:
            problems.add("unavailable_slots", f"'{value}' is not a real date and time")
            continue
        slots.append(moment.strftime("%Y-%m-%dT%H:%M"))
    return slots


def _countries(cell: str, column: str, problems: _Problems, single: bool = False) -> list[str]:
    values = [cell.strip()] if single else split_list(cell)
    for value in values:
        if value and value.upper() not in ISO_3166_ALPHA2:
            problems.add(column, f"'{value}' is not an ISO 3166-1 alpha-2 country code (examples: DE, FR, BR, MX)")
    return values


def column_of(path: str) -> str:
    """The spreadsheet column (with the item number where there is one) behind a dotted message field path."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        column = _COLUMN_OF_PATH.get(".".join(parts[:end]))
        if column is None:
            continue
        rest = parts[end:]
        if rest and rest[0].isdigit():
            column += f" (item {int(rest[0]) + 1})"
            rest = rest[1:]
        return f"{column}: {'.'.join(rest)}" if rest else column
    return path or "row"


def _model_problems(error: ValidationError) -> list[tuple[str, str]]:
    found = []
    for problem in error.errors(include_url=False):
        message = problem["msg"].removeprefix("Value error, ")
        path = ".".join(str(p) for p in problem["loc"])
        if "consents.data_processing" in message:
            found.append(("consent", _NO_CONSENT))
        else:
            found.append((column_of(path), message))
    return found


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value)


def map_row(row: Mapping[str, Any], *, source: str, row_number: int) -> RowResult:
    """The RegistrationSubmitted a spreadsheet row describes, or every reason it cannot be one."""
    cell = {column: _text(row, column) for column in COLUMNS}
    problems = _Problems()
    reference = cell["reference"].strip()
    if not reference:
        problems.add("reference", "missing: every row needs the sending system's own id of the participant")

    revision = _whole_number(cell["revision"], "revision", problems)
    meeting_cap = _whole_number(cell["meeting_cap"], "meeting_cap", problems)
    consents = {
        "data_processing": _flag(cell["consent"], "consent", problems, default=False),
        "share_profile": _flag(cell["share_profile"], "share_profile", problems, default=True),
        "marketing": _flag(cell["marketing"], "marketing", problems, default=False),
    }
    if not consents["data_processing"] and not any(c == "consent" for c, _ in problems.found):
        problems.add("consent", _NO_CONSENT)
    delegation = None
    if cell["delegation_id"].strip():
        role = cell["delegation_role"].strip().lower() or DelegationRole.MEMBER.value
        if role not in {r.value for r in DelegationRole}:
            problems.add("delegation_role", f"'{cell['delegation_role'].strip()}' is not member or facilitator")
        delegation = {"delegation_id": cell["delegation_id"], "name": cell["delegation_name"], "role": role}
    elif cell["delegation_role"].strip() or cell["delegation_name"].strip():
        problems.add("delegation_id", "missing: a delegation role or name needs the delegation's id")

    document = {
        "source": source,
        "reference": reference,
        "revision": revision if revision is not None else 1,
        "registration": {
            "person": {
                "first_name": cell["first_name"],
                "last_name": cell["last_name"],
                "email": cell["email"].strip(),
                "phone": cell["phone"],
                "job_title": cell["job_title"],
                "language": cell["language"].strip().lower() or "en",
            },
            "organisation": {
                "name": cell["organisation"],
                "type": _organisation_type(cell["organisation_type"], problems),
                "country": _countries(cell["country"], "country", problems, single=True)[0],
                "region": cell["region"],
                "cluster_name": cell["cluster"],
                "sector_codes": split_list(cell["sectors"]),
                "website": cell["website"],
            },
            "profile": {
                "description": cell["description"],
                "offers": parse_items(cell["offers"], "offers", problems),
                "requests": parse_items(cell["requests"], "requests", problems),
                "topics": split_list(cell["topics"]),
                "target_countries": _countries(cell["target_countries"], "target_countries", problems),
                "languages": [language.lower() for language in split_list(cell["languages"])],
            },
            "availability": {"unavailable_slots": _slot_ids(cell["unavailable_slots"], problems)},
            "delegation": delegation,
            "meeting_cap": meeting_cap,
            "consents": consents,
        },
    }
    try:
        submission = RegistrationSubmitted.model_validate(document)
    except ValidationError as error:
        # Problems already named by the mapping come first; the model adds what only it knows (lengths, e-mail form).
        named = {column for column, _ in problems.found}
        for column, message in _model_problems(error):
            if column.split(" ")[0].rstrip(":") not in named:
                problems.add(column, message)
        submission = None
    if problems.found:
        order = {column: i for i, column in enumerate(("row",) + COLUMNS)}
        reasons = sorted(problems.found, key=lambda p: order.get(p[0].split(" ")[0].rstrip(":"), len(order)))
        return RowResult(row_number, reference, reasons=reasons)
    return RowResult(row_number, reference, submission=submission)
