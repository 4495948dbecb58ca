"""Message contracts shared by the matchmaking services.

- :mod:`contracts.envelope` — the envelope of every message and :func:`new_envelope`;
- :mod:`contracts.registry` — which types travel on which topic; :func:`open_message` turns bytes into models;
- :mod:`contracts.topics` — topic names;
- :mod:`contracts.events`, :mod:`contracts.registrations`, :mod:`contracts.matching`, :mod:`contracts.schedule`,
  :mod:`contracts.notifications`, :mod:`contracts.operator`, :mod:`contracts.dead_letters` — the payloads.
"""

from .envelope import Envelope, new_envelope
from .registry import ContractViolation, open_message

__all__ = ["ContractViolation", "Envelope", "new_envelope", "open_message"]
