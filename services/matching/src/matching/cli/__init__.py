"""Offline commands of the matching service (no broker, no database)."""
