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
from .ranked import Ranked
from .scoring import (
    MIN_SCORE,
    NEED_WEIGHT,
    SAME_COUNTRY_FACTOR,
    SCALE,
    SECTOR_WEIGHT,
    TARGET_WEIGHT,
    TOPIC_WEIGHT,
)

_BLOCK = 64  # rows per block; below 2**9 for the sort key. Memory: at 10,000 participants 512 rows peaked ~120 MB above
# the finished index, 64 rows do not rise above it, and the build takes as long (bench_incremental.py).
_SCALE_INT = int(SCALE)
_SCORE_MASK = (1 << 30) - 1
_ORDER_MASK = (1 << 24) - 1


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


def _bitmasks(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Each participant's codes as bits, 64 codes per column."""
    columns: dict[str, int] = {}
    for values in sets:
        for value in sorted(values):
            columns.setdefault(value, len(columns))
    table = np.zeros((len(sets), max(1, -(-len(columns) // 64))), dtype=np.uint64)
    for row, values in enumerate(sets):
        for value in values:
            bit = columns[value]
            table[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return table


def _share(table: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether the participants ``rows[k]`` and ``cols[k]`` have a code in common."""
    shared = np.zeros(len(rows), dtype=bool)
    for word in range(table.shape[1]):
        column = table[:, word]
        shared |= (column[rows] & column[cols]) != 0
    return shared


def rank_everyone(
    participants: Sequence[Participant],
    features: Sequence[Features],
    context: MatchContext,
    active: Sequence[bool],
    depth: int,
) -> list[tuple[Ranked, bool]]:
    """For each participant: its best ``depth`` allowed candidates, and whether that is all of them."""
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

    sector_codes = _bitmasks([f.sectors for f in features])
    division_codes = _bitmasks([f.divisions for f in features])
    country_names = sorted({f.country for f in features} | {c for f in features for c in f.targets})
    country_code = np.array([country_names.index(f.country) for f in features], dtype=np.int64)
    country_index = {c: k for k, c in enumerate(country_names)}
    wants = np.zeros((n, len(country_names)), dtype=bool)
    for row, f in enumerate(features):
        for target in f.targets:
            wants[row, country_index[target]] = True

    # The policy, as arrays (mirrors policy.may_meet).
    blocked = np.array([p.is_facilitator or context.at_cap(p) or not a for p, a in zip(participants, active)])
    side_names = [s.name for s in policy.sides]
    side = np.array([side_names.index(s) if (s := policy.side_of(p)) is not None else -1 for p in participants])
    side_ok = np.ones((max(len(side_names), 1), max(len(side_names), 1)), dtype=bool)
    if policy.allowed_side_pairs:
        side_ok[:] = False
        for allowed_pair in policy.allowed_side_pairs:
            a, b = (sorted(allowed_pair) * 2)[:2]
            side_ok[side_names.index(a), side_names.index(b)] = side_ok[side_names.index(b), side_names.index(a)] = True
    organisation = _codes([organisation_key(p) for p in participants])
    delegation = _codes([p.delegation_id for p in participants])
    position = {pid: k for k, pid in enumerate(ids)}
    declined_keys = np.array(
        sorted(
            position[a] * n + position[b]
            for x in context.declined
            if len(x) == 2
            for a, b in (tuple(x), tuple(x)[::-1])
            if a in position and b in position
        ),
        dtype=np.int64,
    )
    if n >= 1 << 24:
        raise ValueError("an event of 16 million participants or more needs another ranking key")
    by_order = np.argsort(np.array(ids, dtype=object), kind="stable").astype(np.int64)
    order = np.empty(n, dtype=np.int64)
    order[by_order] = np.arange(n)

    results: list[tuple[Ranked, bool]] = []
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        # Only pairs sharing a term are candidates: work on those entries alone. The two directions ride in one
        # complex matrix (real: how B answers A, imaginary: how A answers B) so they stay aligned entry by entry;
        # the sums are formed in the order scoring.answer forms them, so both give the same floats.
        topic = TOPIC_WEIGHT * (interests[start:stop] @ interests_t)
        ab = NEED_WEIGHT * (requests[start:stop] @ offers_t) + topic
        ba = NEED_WEIGHT * (offers[start:stop] @ requests_t) + topic
        both = (ab + 1j * ba).tocsr()
        rows = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(both.indptr))
        cols = both.indices.astype(np.int64)
        sector = np.where(_share(sector_codes, rows, cols), 1.0, np.where(_share(division_codes, rows, cols), 0.5, 0.0))
        target_ab = wants[rows, country_code[cols]].astype(np.float64)
        target_ba = wants[cols, country_code[rows]].astype(np.float64)
        answer_ab = both.data.real + SECTOR_WEIGHT * sector + TARGET_WEIGHT * target_ab
        answer_ba = both.data.imag + SECTOR_WEIGHT * sector + TARGET_WEIGHT * target_ba
        total = answer_ab + answer_ba
        with np.errstate(invalid="ignore", divide="ignore"):
            harmonic = np.where(total > 0, 2.0 * (answer_ab * answer_ba) / total, 0.0)
        same_country = country_code[rows] == country_code[cols]
        scaled = np.rint(harmonic * np.where(same_country, SAME_COUNTRY_FACTOR, 1.0) * SCALE)

        allowed = (rows != cols) & ~blocked[rows] & ~blocked[cols] & (scaled / SCALE > MIN_SCORE)
        if side_names:
            allowed &= (side[rows] >= 0) & (side[cols] >= 0) & side_ok[np.maximum(side[rows], 0), np.maximum(side[cols], 0)]
        if not policy.same_organisation_may_meet:
            allowed &= organisation[rows] != organisation[cols]
        if not policy.same_delegation_may_meet:
            allowed &= ~((delegation[rows] == delegation[cols]) & (delegation[rows] >= 0))
        if len(declined_keys):
            allowed &= ~np.isin(rows * n + cols, declined_keys)

        rows, cols, scaled = rows[allowed], cols[allowed], scaled[allowed].astype(np.int64)
        # One integer key sorts by row, then score (best first), then partner id: 9 + 30 + 24 bits.
        keys = np.sort(((rows - start) << 54) | ((_SCALE_INT - scaled) << 24) | order[cols])
        rows = (keys >> 54) + start
        cols = by_order[keys & _ORDER_MASK]
        score = (_SCALE_INT - ((keys >> 24) & _SCORE_MASK)) / SCALE
        bounds = np.searchsorted(rows, np.arange(start, stop + 1))
        for r in range(stop - start):
            first, last = bounds[r], bounds[r + 1]
            chosen = slice(first, min(last, first + depth))
            ranked = Ranked([ids[col] for col in cols[chosen].tolist()], score[chosen].tolist())
            results.append((ranked, last - first <= depth))
    return results
