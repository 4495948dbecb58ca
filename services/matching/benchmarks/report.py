"""Writing benchmark figures into this service's section of docs/benchmarks.md, leaving everything else alone."""

from __future__ import annotations

import re
from pathlib import Path

SECTION_BEGIN, SECTION_END = "<!-- bench-matching:begin -->", "<!-- bench-matching:end -->"


def write_section(path: Path, part: str, text: str) -> None:
    """Replace the ``part`` block (e.g. 'quality') inside the matching section, creating what is missing."""
    begin, end = f"<!-- bench-matching-{part}:begin -->", f"<!-- bench-matching-{part}:end -->"
    document = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if SECTION_BEGIN not in document or SECTION_END not in document:
        document = document.rstrip("\n") + f"\n\n{SECTION_BEGIN}\n## Matching\n{SECTION_END}\n"
    head, rest = document.split(SECTION_BEGIN, 1)
    section, tail = rest.split(SECTION_END, 1)
    block = f"{begin}\n{text.strip()}\n{end}"
    if begin in section and end in section:
        section = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, section, flags=re.S)
    else:
        section = section.rstrip("\n") + f"\n\n{block}\n"
    if not section.endswith("\n"):
        section += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + SECTION_BEGIN + section + SECTION_END + tail, encoding="utf-8")
