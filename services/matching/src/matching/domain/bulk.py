"""Ranking every participant's candidates at once, with sparse matrix products in blocks of rows.

It computes exactly what :func:`matching.domain.scoring.pair_score` and :func:`matching.domain.policy.may_meet`
compute pair by pair (the unit tests hold the two to each other), only fast enough for a full build of a large
event: 10,000 participants in a few seconds instead of the 50 million pair scorings a loop would take.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .features import Features
from .participant import Participant
from .policy import MatchContext, organisation_key
from .scoring import (
    MIN_SCORE,
    NEED_WEIGHT,
    SAME_COUNTRY_FACTOR,
    SCALE,
    SECTOR_WEIGHT,
    TARGET_WEIGHT,
    TOPIC_WEIGHT,
)

Ranked = list[tuple[float, str]]
"""(-score, partner id), best first: the order of a participant's candidates."""

_BLOCK = 256


def _codes(values: Sequence[object]) -> np.ndarray:
    """Small integer codes for hashable values; None becomes -1."""
    seen: dict[object, int] = {}
    return np.array([-1 if v is None else seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)


def _term_matrix(vectors: Sequence[dict[str, float]], columns: dict[str, int]) -> tuple[list, list, list]:
    """Rows of a sparse matrix as (indptr, indices, data); ``columns`` grows as terms are met."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for vector in vectors:
        for term, weight in vector.items():
            indices.append(columns.setdefault(term, len(columns)))
            data.append(weight)
        indptr.append(len(indices))
    return indptr, indices, data


def _finish(parts: list[tuple[list, list, list]], width: int) -> list[sparse.csr_matrix]:
    """The matrices, once every term has its column."""
    return [
        sparse.csr_matrix(
            (np.array(d, dtype=np.float64), np.array(i, dtype=np.int64), np.array(p)), shape=(len(p) - 1, width)
        )
        for p, i, d in parts
    ]


def _membership(sets: Sequence[frozenset[str]], columns: dict[str, int] | None = None) -> tuple[list, list, dict]:
    columns = {} if columns is None else columns
    indptr, indices = [0], []
    for values in sets:
        indices.extend(columns.setdefault(v, len(columns)) for v in sorted(values))
        indptr.append(len(indices))
    return indptr, indices, columns


def _binary(indptr: list[int], indices: list[int], width: int) -> sparse.csr_matrix:
    return sparse.csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(indptr) - 1, width)
    )


def rank_everyone(
    participants: Sequence[Participant],
    features: Sequence[Features],
    context: MatchContext,
    active: Sequence[bool],
    depth: int,
) -> list[tuple[Ranked, bool]]:
    """For each participant: its best ``depth`` allowed candidates as (-score, id), and whether that is all of them."""
    n = len(participants)
    if n == 0:
        return []
    ids = [p.participant_id for p in participants]
    policy = context.policy

    columns: dict[str, int] = {}
    parts = [_term_matrix([f.requests for f in features], columns), _term_matrix([f.offers for f in features], columns),
             _term_matrix([f.interests for f in features], columns)]
    requests, offers, interests = _finish(parts, max(len(columns), 1))
    offers_t, requests_t, interests_t = offers.T.tocsr(), requests.T.tocsr(), interests.T.tocsr()

    p, i, sector_cols = _membership([f.sectors for f in features])
    sectors = _binary(p, i, max(len(sector_cols), 1))
    p, i, division_cols = _membership([f.divisions for f in features])
    divisions = _binary(p, i, max(len(division_cols), 1))
    country_cols: dict[str, int] = {}
    p, i, _ = _membership([frozenset((f.country,)) for f in features], country_cols)
    p2, i2, _ = _membership([f.targets for f in features], country_cols)
    countries = _binary(p, i, len(country_cols))
    targets = _binary(p2, i2, len(country_cols))
    sectors_t, divisions_t, countries_t, targets_t = (m.T.tocsr() for m in (sectors, divisions, countries, targets))
    country_code = _codes([f.country for f in features])

    # The policy, as arrays (mirrors policy.may_meet).
    blocked_person = np.array([p.is_facilitator or context.at_cap(p) or not a for p, a in zip(participants, active)])
    side_names = [s.name for s in policy.sides]
    side = np.array([side_names.index(s) if (s := policy.side_of(p)) is not None else -1 for p in participants])
    side_ok = np.ones((max(len(side_names), 1), max(len(side_names), 1)), dtype=bool)
    if policy.allowed_side_pairs:
        side_ok[:] = False
        for allowed in policy.allowed_side_pairs:
            a, b = (sorted(allowed) * 2)[:2]
            side_ok[side_names.index(a), side_names.index(b)] = side_ok[side_names.index(b), side_names.index(a)] = True
    organisation = _codes([organisation_key(p) for p in participants])
    delegation = _codes([p.delegation_id for p in participants])
    position = {pid: k for k, pid in enumerate(ids)}
    declined = [(position[a], position[b]) for a, b in (tuple(x) for x in context.declined if len(x) == 2)
                if a in position and b in position]
    order = np.empty(n, dtype=np.int64)
    order[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(n)

    results: list[tuple[Ranked, bool]] = []
    for start in range(0, n, _BLOCK):
        rows = slice(start, min(start + _BLOCK, n))
        m = rows.stop - rows.start
        need_ab = (requests[rows] @ offers_t).toarray()
        need_ba = (offers[rows] @ requests_t).toarray()
        topic = (interests[rows] @ interests_t).toarray()
        exact = (sectors[rows] @ sectors_t).toarray() > 0
        related = (divisions[rows] @ divisions_t).toarray() > 0
        sector = np.where(exact, 1.0, np.where(related, 0.5, 0.0))
        target_ab = (targets[rows] @ countries_t).toarray()
        target_ba = (countries[rows] @ targets_t).toarray()
        answer_ab = NEED_WEIGHT * need_ab + TOPIC_WEIGHT * topic + SECTOR_WEIGHT * sector + TARGET_WEIGHT * target_ab
        answer_ba = NEED_WEIGHT * need_ba + TOPIC_WEIGHT * topic + SECTOR_WEIGHT * sector + TARGET_WEIGHT * target_ba
        total = answer_ab + answer_ba
        with np.errstate(invalid="ignore", divide="ignore"):
            harmonic = np.where(total > 0, 2.0 * (answer_ab * answer_ba) / total, 0.0)
        same_country = country_code[rows, None] == country_code[None, :]
        score = np.rint(harmonic * np.where(same_country, SAME_COUNTRY_FACTOR, 1.0) * SCALE) / SCALE

        allowed = (need_ab > 0) | (need_ba > 0) | (topic > 0) | related
        allowed &= ~blocked_person[None, :]
        allowed &= ~blocked_person[rows, None]
        allowed[np.arange(m), np.arange(rows.start, rows.stop)] = False
        if side_names:
            row_side, col_side = side[rows], side
            allowed &= (row_side[:, None] >= 0) & (col_side[None, :] >= 0)
            allowed &= side_ok[np.maximum(row_side, 0)][:, np.maximum(col_side, 0)]
        if not policy.same_organisation_may_meet:
            allowed &= organisation[rows, None] != organisation[None, :]
        if not policy.same_delegation_may_meet:
            allowed &= ~((delegation[rows, None] == delegation[None, :]) & (delegation[rows, None] >= 0))
        for a, b in declined:
            if rows.start <= a < rows.stop:
                allowed[a - rows.start, b] = False
            if rows.start <= b < rows.stop:
                allowed[b - rows.start, a] = False
        allowed &= score > MIN_SCORE

        for r in range(m):
            candidates = np.flatnonzero(allowed[r])
            values = score[r, candidates]
            if len(candidates) > depth:
                threshold = np.partition(values, len(values) - depth)[len(values) - depth]
                keep = values >= threshold
                candidates, values = candidates[keep], values[keep]
            chosen = np.lexsort((order[candidates], -values))[:depth]
            ranked = [(-float(values[c]), ids[candidates[c]]) for c in chosen]
            results.append((ranked, int(allowed[r].sum()) <= depth))
    return results
