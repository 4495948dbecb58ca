"""The background loop that sends due e-mails."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import structlog

from ..application.deliver import Delivery

log = structlog.get_logger()


def delivery_loop(delivery: Delivery, poll_seconds: float):
    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await delivery.run_once(dt.datetime.now(dt.UTC))
            except Exception as exc:  # the store may be away for a moment; pending changes stay pending
                log.warning("delivery.loop_failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)

    return run
