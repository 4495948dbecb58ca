"""Settings every service has. Each service declares one subclass with its own environment prefix."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class ServiceSettings(BaseSettings):
    """Connection and runtime settings; defaults fit the local stack (deploy/local/stack.py)."""

    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="Kafka bootstrap servers, comma-separated.")
    mongo_url: str = Field(default="mongodb://127.0.0.1:27017", description="MongoDB (or FerretDB) connection URL.")
    mongo_database: str = Field(default="", description="The service's own database; defaults to the service name.")
    mongo_max_connections: int = Field(
        default=8, ge=1,
        description="Most connections to the store; with FerretDB keep it at 8 or below (servicekit/store.py says why).",
    )
    http_host: str = Field(default="127.0.0.1", description="Address for health, readiness and metrics.")
    http_port: int = Field(default=8000, description="Port for health, readiness and metrics.")
    log_level: str = Field(default="info", description="debug, info, warning or error.")
    consumer_group: str = Field(
        default="", description="Prefix of the consumer groups (<prefix>.<topic>); defaults to the service name."
    )
    outbox_retry_seconds: float = Field(default=1.0, gt=0, description="How often failed relays are retried.")
    parked_expiry_seconds: float = Field(
        default=3600.0, gt=0, description="How long a message may wait for what it needs before it is dead-lettered."
    )
    consumer_batch: int = Field(
        default=100, ge=1,
        description="Most records a consumer fetches at once; their offsets are committed together once all are handled.",
    )
    handler_attempts: int = Field(default=3, ge=1, description="Attempts of a failing handler before dead-lettering.")
