"""Who may meet whom at an event. The event's policy is law: matching never suggests a pair this module refuses,
and the service refuses direct requests with the reason :func:`may_meet` gives."""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

from .participant import Participant
from .text import fold


@dataclass(frozen=True, slots=True)
class Side:
    """A named side of the event (e.g. 'europe') and the countries whose organisations are on it."""

    name: str
    countries: frozenset[str]


@dataclass(frozen=True, slots=True)
class Policy:
    """The event's rules. Empty ``sides``: everybody is on one side. Empty ``allowed_side_pairs``: any two sides meet."""

    sides: tuple[Side, ...] = ()
    allowed_side_pairs: frozenset[frozenset[str]] = frozenset()
    same_organisation_may_meet: bool = False
    same_delegation_may_meet: bool = False
    meeting_cap: int = 12

    def side_of(self, participant: Participant) -> str | None:
        """The side whose countries contain the participant's organisation's country; None when on no side."""
        for side in self.sides:
            if participant.country in side.countries:
                return side.name
        return None

    def sides_may_meet(self, side_a: str | None, side_b: str | None) -> bool:
        if not self.sides:
            return True
        if side_a is None or side_b is None:
            return False
        return not self.allowed_side_pairs or frozenset((side_a, side_b)) in self.allowed_side_pairs

    def countries_meeting(self, side: str) -> frozenset[str]:
        """The countries whose participants someone on ``side`` may meet as far as sides go: those whose side (the
        first listing the country, as in :meth:`side_of`) may meet ``side``."""
        reachable: set[str] = set()
        placed: set[str] = set()
        for other in self.sides:
            if self.sides_may_meet(side, other.name):
                reachable |= other.countries - placed
            placed |= other.countries
        return frozenset(reachable)

    def cap_of(self, participant: Participant) -> int:
        """The most meetings the participant gets: their own cap, within the event's."""
        own = participant.meeting_cap
        return self.meeting_cap if own is None else min(own, self.meeting_cap)


def pair(a: str, b: str) -> frozenset[str]:
    """The unordered key of a pair of participant ids."""
    return frozenset((a, b))


@dataclass(frozen=True, slots=True)
class MatchContext:
    """The policy plus what has happened so far: declined pairs (see :func:`pair`) and each participant's count of
    accepted matches. The collections are read, never changed, so the index can pass its live ones."""

    policy: Policy = field(default_factory=Policy)
    declined: AbstractSet[frozenset[str]] = frozenset()
    accepted_counts: Mapping[str, int] = field(default_factory=dict)

    def at_cap(self, participant: Participant) -> bool:
        return self.accepted_counts.get(participant.participant_id, 0) >= self.policy.cap_of(participant)


_LEGAL_FORMS = frozenset(
    """gmbh mbh ag kg ug ohg ev gbr ltd limited plc llc inc corp co company sa sas sarl srl spa sl slu bv nv
    ltda eireli me epp mei sae sca scs oy ab as aps kft sro zrt doo""".split()
)


def organisation_key(participant: Participant) -> tuple[str, str]:
    """Organisation identity: the name folded, punctuation and legal forms dropped, with the country."""
    return _organisation_key(participant.organisation, participant.country)


@lru_cache(maxsize=100_000)
def _organisation_key(name: str, country: str) -> tuple[str, str]:
    tokens = re.findall(r"\w+", fold(name).replace(".", ""))
    core = [t for t in tokens if t not in _LEGAL_FORMS] or tokens
    return " ".join(core), country


def may_meet(a: Participant, b: Participant, context: MatchContext) -> str | None:
    """None when the policy lets ``a`` and ``b`` meet; otherwise the reason, in words, why not."""
    policy = context.policy
    if a.participant_id == b.participant_id:
        return "a participant cannot meet themselves"
    for person in (a, b):
        if person.is_facilitator:
            return (
                f"participant {person.participant_id} is a delegation facilitator: facilitators accompany their "
                "members' meetings and take no meetings of their own"
            )
    if policy.sides:
        side_a, side_b = policy.side_of(a), policy.side_of(b)
        for person, side in ((a, side_a), (b, side_b)):
            if side is None:
                return (
                    f"participant {person.participant_id} is from {person.country}, which is on none of this "
                    f"event's sides ({', '.join(s.name for s in policy.sides)})"
                )
        if not policy.sides_may_meet(side_a, side_b):
            allowed = ", ".join(" with ".join(sorted(p)) if len(p) == 2 else f"{next(iter(p))} with {next(iter(p))}"
                                for p in sorted(policy.allowed_side_pairs, key=sorted))
            return f"this event pairs {allowed} only; these participants are on sides {side_a} and {side_b}"
    if not policy.same_organisation_may_meet and organisation_key(a) == organisation_key(b):
        return f"both participants represent the same organisation ({a.organisation}, {a.country})"
    if (
        not policy.same_delegation_may_meet
        and a.delegation_id is not None
        and a.delegation_id == b.delegation_id
    ):
        return f"both participants travel in the same delegation ({a.delegation_id})"
    if pair(a.participant_id, b.participant_id) in context.declined:
        return "a meeting between these participants was already declined"
    for person in (a, b):
        if context.at_cap(person):
            return (
                f"participant {person.participant_id} already has {policy.cap_of(person)} accepted meetings, "
                "their limit"
            )
    return None
