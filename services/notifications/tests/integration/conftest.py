"""Fixtures of the notifications stack tests; the helpers live in notifications_stack.py next to this file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from notifications_stack import World  # noqa: E402


@pytest.fixture
def world(producer) -> World:
    return World(producer)


@pytest.fixture
def make_world(producer):
    return lambda **kwargs: World(producer, **kwargs)
