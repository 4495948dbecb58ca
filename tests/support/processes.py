"""Helpers for tests that start a process of their own beside the local stack (a second replica, a scripted server)."""

from __future__ import annotations

import json
import socket
import urllib.request


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ready(url: str) -> bool:
    """Whether a service answers its readiness URL with ready."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and json.loads(response.read())["ready"]
    except (OSError, ValueError):
        return False
