"""The store metrics name the commands FerretDB answers by reading a whole collection (ADR 0006)."""

import datetime as dt

from pymongo.monitoring import CommandStartedEvent, CommandSucceededEvent

from servicekit.store import STORE_SCANS, STORE_SECONDS, StoreTimings


def _scans(command: str, collection: str) -> float:
    return STORE_SCANS.labels(command, collection)._value.get()


def _run(listener: StoreTimings, command: dict, request_id: int) -> None:
    name = next(iter(command))
    listener.started(CommandStartedEvent(command, "db", request_id, ("127.0.0.1", 27017), request_id))
    listener.succeeded(CommandSucceededEvent(dt.timedelta(microseconds=2500), {"ok": 1}, name, request_id, ("127.0.0.1", 27017), request_id))


def test_only_a_filter_on_one_exact_id_is_not_a_scan():
    listener = StoreTimings()
    before = {c: _scans(c, "people") for c in ("find", "update", "delete")}
    _run(listener, {"find": "people", "filter": {"_id": "p-1"}}, 1)
    _run(listener, {"update": "people", "updates": [{"q": {"_id": "p-1"}, "u": {"$set": {"a": 1}}}]}, 2)
    assert {c: _scans(c, "people") for c in before} == before

    _run(listener, {"find": "people", "filter": {"_id": {"$in": ["p-1", "p-2"]}}}, 3)
    _run(listener, {"update": "people", "updates": [{"q": {"_id": "p-1", "version": 3}, "u": {"$set": {"a": 1}}}]}, 4)
    _run(listener, {"delete": "people", "deletes": [{"q": {"event_id": "e-1"}, "limit": 0}]}, 5)
    assert {c: _scans(c, "people") - before[c] for c in before} == {"find": 1, "update": 1, "delete": 1}


def test_time_is_recorded_by_command_and_collection():
    listener = StoreTimings()
    counted = STORE_SECONDS.labels("find", "rooms")._sum.get()
    _run(listener, {"find": "rooms", "filter": {"_id": "r-1"}}, 7)
    assert STORE_SECONDS.labels("find", "rooms")._sum.get() - counted == 0.0025
