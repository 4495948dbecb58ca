"""The one place that builds the notifications service from its settings."""

from __future__ import annotations

import datetime as dt

from servicekit.service import ServiceRuntime

from .adapters.mongo import MongoDeliveries, MongoDirectory, MongoPendingChanges
from .adapters.smtp import SmtpTransport
from .application.deliver import Delivery, DeliveryPolicy
from .config import NotificationsSettings
from .domain import Pace, RetryPolicy, Sender
from .entrypoints.consumers import register_consumers
from .entrypoints.delivery_loop import delivery_loop
from .entrypoints.http import delivery_routes


def build(settings: NotificationsSettings | None = None) -> ServiceRuntime:
    settings = settings or NotificationsSettings()
    runtime = ServiceRuntime("notifications", settings)
    directory = MongoDirectory(runtime.database)
    pending = MongoPendingChanges(runtime.database)
    deliveries = MongoDeliveries(runtime.database, runtime.relay)
    runtime.watch_outbox(deliveries.collection)
    for store in (directory, pending, deliveries):
        runtime.on_startup(store.ensure_indexes)
    transport = SmtpTransport(
        settings.smtp_host, settings.smtp_port, starttls=settings.smtp_starttls, username=settings.smtp_username,
        password=settings.smtp_password, timeout=settings.smtp_timeout_seconds, connections=settings.send_concurrency,
    )
    pace = Pace(
        settle=dt.timedelta(seconds=settings.settle_seconds), spacing=dt.timedelta(seconds=settings.gather_seconds),
        digest=dt.timedelta(seconds=settings.digest_seconds),
    )
    policy = DeliveryPolicy(
        sender=Sender(address=settings.sender_address, domain=settings.uid_domain, name=settings.sender_name or None),
        max_changes_per_email=settings.max_changes_per_email,
        concurrency=settings.send_concurrency,
        retry=RetryPolicy(
            max_attempts=settings.max_attempts, first_delay=dt.timedelta(seconds=settings.retry_first_delay_seconds),
            max_delay=dt.timedelta(seconds=settings.retry_max_delay_seconds),
        ),
    )
    delivery = Delivery(directory, pending, deliveries, transport, policy)
    runtime.in_background(delivery_loop(delivery, settings.send_poll_seconds))
    register_consumers(runtime, directory, pending, deliveries, delivery.due, pace)
    runtime.routes.extend(delivery_routes(deliveries))
    return runtime
