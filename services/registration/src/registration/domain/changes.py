"""What changed between two versions of a document, as dotted paths (e.g. 'profile.offers')."""

from __future__ import annotations

from typing import Any


def changed_paths(before: dict[str, Any], after: dict[str, Any], depth: int = 2, prefix: str = "") -> list[str]:
    paths = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        path = f"{prefix}{key}"
        if depth > 1 and isinstance(old, dict) and isinstance(new, dict):
            paths.extend(changed_paths(old, new, depth - 1, path + "."))
        else:
            paths.append(path)
    return paths
