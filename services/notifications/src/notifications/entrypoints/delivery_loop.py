"""The background loop that sends due e-mails."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import structlog

from ..application.deliver import Delivery

log = structlog.get_logger()


def delivery_loop(delivery: Delivery, poll_seconds: float, recover_seconds: float = 60.0):
    async def run(stop: asyncio.Event) -> None:
        at_start, last_recovery = True, 0.0
        while not stop.is_set():
            now = asyncio.get_running_loop().time()
            if at_start or now - last_recovery >= recover_seconds:
                try:
                    await delivery.recover(at_start=at_start)
                    at_start, last_recovery = False, now
                except Exception as exc:
                    log.warning("delivery.recover_failed", error=repr(exc))
            try:
                await delivery.run_once(dt.datetime.now(dt.UTC))
            except Exception as exc:  # the store may be away for a moment; pending changes stay pending
                log.warning("delivery.loop_failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)

    return run
