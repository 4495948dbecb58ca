"""The matching domain: who may meet whom, how well they fit, why, and keeping every list fresh. Pure logic: no
broker, no database, no logging setup, no pydantic (``matching.profile_mapping`` maps the contracts in).

Participants and policy
    ``participant.Participant(participant_id, organisation, country, offers, requests, topics, sector_codes,
    target_countries, description, delegation_id, is_facilitator, meeting_cap, share_profile, languages)``
    ``participant.ProfileItem(kind, title, description="", keywords=())``
    ``policy.Policy(sides, allowed_side_pairs, same_organisation_may_meet, same_delegation_may_meet, meeting_cap)``
    ``policy.Side(name, countries)``; ``policy.pair(a, b) -> frozenset`` (key of a declined pair)
    ``policy.MatchContext(policy, declined, accepted_counts)``
    ``policy.may_meet(a, b, context) -> str | None`` — None, or the reason in words why the pair may not meet

Suggestions (``index.SuggestionIndex``, one per event)
    ``SuggestionIndex.build(participants, policy, *, list_size=10, exposure_factor=1.5, declined=(),
    accepted_counts=None, statistics=None, exposure_caps=None) -> SuggestionIndex``
    ``.upsert(participant) -> set[str]`` — ids whose lists changed (its own included)
    ``.remove(participant_id) -> set[str]`` — ids of the other lists that changed
    ``.record_decline(a, b) -> set[str]``; ``.record_accepted_count(participant_id, count) -> set[str]``
    ``.replace_policy(policy) -> set[str]`` (full rebuild); ``.refresh() -> set[str]`` (recompute IDF, rebuild)
    ``.suggestions_for(participant_id, k=None) -> list[Suggestion(partner_id, score, reasons)]``
    ``.ranking(participant_id) -> list[(partner_id, score)]``; ``.may_meet(a_id, b_id) -> str | None``
    ``.appearances() -> dict[str, int]``; ``exposure.top_share(counts)``, ``exposure.gini(counts)``

Scoring and reasons
    ``scoring.pair_score(features_a, features_b) -> float`` (0..1, symmetric, harmonic mean of both directions)
    ``reasons.explain(viewer, partner, statistics) -> list[str]`` (English, from the viewer's side)

One-click links
    ``links.sign_link(LinkPayload(event_id, action, actor_id, subject_id, expires_at), key) -> str``
    ``links.verify_link(token, key_or_keys, now) -> LinkPayload | LinkError`` (MALFORMED, TAMPERED, EXPIRED)
"""
