"""From the message contracts to the matching domain: the one place that knows both (the domain stays free of
pydantic and of the contracts' versions)."""

from __future__ import annotations

from contracts.events import EventDraft, MatchingPolicy
from contracts.registrations import DelegationRole, Registration

from .domain.participant import Participant, ProfileItem
from .domain.policy import Policy, Side


def participant_from_registration(participant_id: str, registration: Registration) -> Participant:
    """The domain participant for a validated registration."""
    profile, organisation, delegation = registration.profile, registration.organisation, registration.delegation

    def items(source: tuple) -> tuple[ProfileItem, ...]:
        return tuple(ProfileItem(str(i.kind), i.title, i.description, tuple(i.keywords)) for i in source)

    return Participant(
        participant_id=participant_id,
        organisation=organisation.name,
        country=organisation.country,
        offers=items(profile.offers),
        requests=items(profile.requests),
        topics=tuple(profile.topics),
        sector_codes=tuple(organisation.sector_codes),
        target_countries=tuple(profile.target_countries),
        description=profile.description,
        delegation_id=delegation.delegation_id if delegation else None,
        is_facilitator=bool(delegation and delegation.role == DelegationRole.FACILITATOR),
        meeting_cap=registration.meeting_cap,
        share_profile=registration.consents.share_profile,
        languages=tuple(profile.languages),
    )


def policy_from_contract(policy: MatchingPolicy, meeting_cap: int) -> Policy:
    return Policy(
        sides=tuple(Side(s.name, frozenset(s.countries)) for s in policy.sides),
        allowed_side_pairs=frozenset(frozenset(p) for p in policy.allowed_side_pairs),
        same_organisation_may_meet=policy.same_organisation_may_meet,
        same_delegation_may_meet=policy.same_delegation_may_meet,
        meeting_cap=meeting_cap,
    )


def policy_from_event(event: EventDraft) -> Policy:
    """The domain policy of an event (EventDetails is an EventDraft too)."""
    return policy_from_contract(event.policy, event.meeting_cap)
