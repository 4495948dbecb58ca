"""The runtime every matchmaking service shares (infrastructure only, never domain rules).

- :mod:`servicekit.settings` — the settings base class each service's one settings class extends;
- :mod:`servicekit.logs` — structlog JSON, configured once;
- :mod:`servicekit.outbox` — messages stored inside the document whose change caused them, relayed to Kafka;
- :mod:`servicekit.inbox` — the consumer pipeline: parse, dedupe, handle, park, dead-letter, then commit;
- :mod:`servicekit.parking` — messages that wait for something not seen yet;
- :mod:`servicekit.http` — health, readiness and Prometheus metrics, plus a service's own routes;
- :mod:`servicekit.service` — builds and runs one service process from these parts.
"""
