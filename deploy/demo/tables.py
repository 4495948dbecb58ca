"""Plain aligned text tables and wrapped text for the demo's report (no dependency needed)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

INDENT = "  "


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = (), wrap: dict[int, int] | None = None) -> str:
    """Columns padded to their widest cell; ``right`` lists columns aligned right (numbers); ``wrap`` maps a column
    to its most characters, longer cells continue on the next lines."""
    wrap = wrap or {}
    cells = [[str(c) for c in row] for row in rows]
    split_rows: list[list[list[str]]] = []
    for row in cells:
        split_rows.append([textwrap.wrap(c, wrap[i]) or [""] if i in wrap else [c] for i, c in enumerate(row)])
    widths = [len(h) for h in headers]
    for row in split_rows:
        for i, lines in enumerate(row):
            widths[i] = max(widths[i], *(len(line) for line in lines))

    def line(values: Sequence[str]) -> str:
        padded = [v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)]
        return (INDENT + "  ".join(padded)).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    for row in split_rows:
        height = max(len(lines) for lines in row)
        for n in range(height):
            out.append(line([lines[n] if n < len(lines) else "" for lines in row]))
    return "\n".join(out)


def facts(pairs: Sequence[tuple[str, object]]) -> str:
    """'label  value' lines with the values aligned."""
    width = max(len(label) for label, _ in pairs)
    return "\n".join(f"{INDENT}{label.ljust(width)}  {value}" for label, value in pairs)


def heading(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}"
