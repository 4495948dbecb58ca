"""Messages about participants: what other systems submit (``registrations.inbound``), what registration
publishes (``registrations``), and the answer each sender gets (``registrations.outcomes``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import AwareDatetime, EmailStr, Field, field_validator, model_validator

from .base import (
    Identifier,
    ItemText,
    Keyword,
    LanguageCode,
    LongText,
    Message,
    Name,
    OptionalLine,
    Phone,
    SectorCode,
    StrictInbound,
    Title,
)
from .countries import CountryCode


class OrganisationType(StrEnum):
    CLUSTER = "cluster_organisation"
    SME = "sme"
    LARGE_COMPANY = "large_company"
    RESEARCH = "research"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class ItemKind(StrEnum):
    BUSINESS = "business"
    TECHNOLOGY = "technology"
    RESEARCH = "research"
    PARTNERSHIP = "partnership"
    INVESTMENT = "investment"


class DelegationRole(StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"


class Person(StrictInbound):
    """The person who registers and attends the meetings."""

    first_name: Name = Field(description="Given name.")
    last_name: Name = Field(description="Family name.")
    email: EmailStr = Field(max_length=254, description="E-mail address; lower-cased on receipt. Invitations go here.")
    phone: Phone = Field(default="", description="Phone number, free form.")
    job_title: OptionalLine = Field(default="", description="Role in the organisation.")
    language: LanguageCode = Field(
        default="en", description="Preferred language for e-mails (en, de, fr, es, pt; others fall back to English)."
    )

    @field_validator("email")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()


class Organisation(StrictInbound):
    """The organisation the person represents."""

    name: Name = Field(description="Organisation name.")
    type: OrganisationType = Field(description="Kind of organisation.")
    country: CountryCode = Field(description="Country as ISO 3166-1 alpha-2, upper-cased on receipt.")
    region: OptionalLine = Field(default="", description="Region, e.g. 'Baden-Württemberg' or 'São Paulo'.")
    cluster_name: OptionalLine = Field(default="", description="Cluster the organisation belongs to or runs.")
    sector_codes: tuple[SectorCode, ...] = Field(default=(), max_length=20, description="Sector codes (NACE).")
    website: OptionalLine = Field(default="", description="Web address.")


class ProfileItem(StrictInbound):
    """One thing a participant offers or looks for."""

    kind: ItemKind = Field(description="business, technology, research, partnership or investment.")
    title: Title = Field(description="Short title, e.g. 'Cold-chain sensors'.")
    description: ItemText = Field(default="", description="What exactly is offered or requested.")
    keywords: tuple[Keyword, ...] = Field(default=(), max_length=20, description="Keywords, lower-cased.")


class Profile(StrictInbound):
    """What the participant offers and requests: the material of matching."""

    description: LongText = Field(default="", description="Who we are and why we come.")
    offers: tuple[ProfileItem, ...] = Field(default=(), max_length=10, description="What the participant offers.")
    requests: tuple[ProfileItem, ...] = Field(default=(), max_length=10, description="What the participant looks for.")
    topics: tuple[Keyword, ...] = Field(default=(), max_length=20, description="Topics of interest, lower-cased.")
    target_countries: tuple[CountryCode, ...] = Field(
        default=(), max_length=60, description="Countries where partners are sought."
    )
    languages: tuple[LanguageCode, ...] = Field(default=(), max_length=10, description="Languages spoken in meetings.")


class TimeRange(StrictInbound):
    """A period, with its UTC offset, in which the participant cannot meet."""

    start: AwareDatetime = Field(description="Start of the unavailable period, with offset.")
    end: AwareDatetime = Field(description="End of the unavailable period, with offset.")

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Availability(StrictInbound):
    """When the participant cannot meet; everything else in the event's grid is available."""

    unavailable_slots: tuple[str, ...] = Field(
        default=(), max_length=200, description="Slot ids ('YYYY-MM-DDTHH:MM', local time) the participant cannot attend."
    )
    unavailable_times: tuple[TimeRange, ...] = Field(
        default=(), max_length=50, description="Periods the participant cannot attend; slots overlapping them are blocked."
    )


class Delegation(StrictInbound):
    """A group travelling together; a facilitator accompanies its members' meetings where possible."""

    delegation_id: Identifier = Field(description="The delegation's id, the same for all its members.")
    name: OptionalLine = Field(default="", description="Delegation name, e.g. 'Baden-Württemberg food cluster mission'.")
    role: DelegationRole = Field(default=DelegationRole.MEMBER, description="member or facilitator.")


class Consents(StrictInbound):
    """What the person agreed to."""

    data_processing: bool = Field(description="Consent to process the registration; must be true to register.")
    share_profile: bool = Field(default=True, description="Whether the profile may be shown to other participants.")
    marketing: bool = Field(default=False, description="Whether the organiser may send news after the event.")


class Registration(StrictInbound):
    """The whole registration as submitted by a sending system, validated and normalised."""

    person: Person = Field(description="The attending person.")
    organisation: Organisation = Field(description="The represented organisation.")
    profile: Profile = Field(default_factory=Profile, description="Offers, requests and interests.")
    availability: Availability = Field(default_factory=Availability, description="When the person cannot meet.")
    delegation: Delegation | None = Field(default=None, description="The delegation, if the person travels with one.")
    meeting_cap: int | None = Field(
        default=None, ge=1, le=100, description="The person's own maximum of meetings; the event's cap applies on top."
    )
    consents: Consents = Field(description="What the person agreed to.")

    @model_validator(mode="after")
    def _consented(self) -> Registration:
        if not self.consents.data_processing:
            raise ValueError("consents.data_processing must be true: without it we may not process the registration")
        return self


class SenderReference(StrictInbound):
    """Names one registration the way the sending system knows it: the natural key of a participant."""

    source: Identifier = Field(description="The sending system, e.g. 'eventsite' or 'crm-sez'.")
    reference: Identifier = Field(description="The sending system's own id for this registration.")


# --- registrations.inbound (untrusted) ----------------------------------------------------------------------------


class RegistrationSubmitted(SenderReference):
    """A sending system submits a new registration or a new version of one (same source and reference)."""

    revision: int = Field(
        default=1, ge=1, description="The sender's version of this registration; a lower one arriving late is ignored."
    )
    registration: Registration = Field(description="The registration itself.")


class RegistrationWithdrawalRequested(SenderReference):
    """A sending system asks to withdraw a registration: its meetings are cancelled."""

    reason: OptionalLine = Field(default="", description="Why, as the participant said it.")


class RegistrationErasureRequested(SenderReference):
    """The person asked to be forgotten: every service removes or anonymises their personal data."""


# --- registrations (trusted, published by registration) -----------------------------------------------------------


class ParticipantRegistered(Message):
    """A participant was admitted to an event."""

    participant_id: str = Field(description="The platform's id for the participant, stable per event, source and reference.")
    source: str = Field(description="The sending system.")
    reference: str = Field(description="The sending system's reference.")
    revision: int = Field(description="The sender's revision this state comes from.")
    registration: Registration = Field(description="The normalised registration.")
    unavailable_slot_ids: tuple[str, ...] = Field(
        default=(), description="Slot ids of the event's grid that the participant cannot attend (times resolved to slots)."
    )


class ParticipantUpdated(ParticipantRegistered):
    """A participant's registration changed; ``changed_fields`` says which parts."""

    changed_fields: tuple[str, ...] = Field(description="Dotted paths of what changed, e.g. 'profile.offers'.")


class ParticipantWithdrawn(Message):
    """A participant left the event: their matches and meetings are cancelled."""

    participant_id: str = Field(description="The withdrawn participant.")
    reason: str = Field(default="", description="Why, if known.")


class ParticipantErased(Message):
    """A participant's personal data must be deleted everywhere."""

    participant_id: str = Field(description="The erased participant.")


# --- registrations.outcomes (to the sending system) ---------------------------------------------------------------


class OutcomeStatus(StrEnum):
    ACCEPTED = "accepted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    IGNORED_STALE = "ignored_stale"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"
    REFUSED = "refused"


class Reason(Message):
    """One reason for a refusal, naming the field where there is one."""

    field: str = Field(default="", description="Dotted path of the offending field, empty when the whole message is at fault.")
    message: str = Field(description="What is wrong and what to do about it.")


class RegistrationOutcome(Message):
    """What happened to one inbound message, for the system that sent it. Keyed by the sender's reference."""

    source: str = Field(description="The sending system, as it sent it.")
    reference: str = Field(description="The sending system's reference, as it sent it.")
    revision: int | None = Field(default=None, description="The revision the outcome is about, when there is one.")
    status: OutcomeStatus = Field(description="accepted, updated, unchanged, ignored_stale, withdrawn, erased or refused.")
    participant_id: str | None = Field(default=None, description="The platform's participant id, when admitted.")
    reasons: tuple[Reason, ...] = Field(default=(), description="Why it was refused, one reason per problem.")
    inbound_message_id: str | None = Field(default=None, description="message_id of the inbound message answered.")
    decided_at: dt.datetime = Field(description="When registration decided.")
