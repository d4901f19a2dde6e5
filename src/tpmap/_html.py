"""HTML tables for notebooks: every value escaped, so a name or note containing ``<`` or ``&`` stays text.

>>> print(table(("muscle", "why"), [("Scalene <anterior>", "a & b")], caption="Top"))
<table class="tpmap">
<caption>Top</caption>
<thead><tr><th>muscle</th><th>why</th></tr></thead>
<tbody>
<tr><td>Scalene &lt;anterior&gt;</td><td>a &amp; b</td></tr>
</tbody>
</table>
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["items", "table"]


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str | None = None) -> str:
    """An HTML table: a header row, then one row per item of ``rows``; each cell's ``str`` is escaped."""
    lines = ['<table class="tpmap">']
    if caption:
        lines.append(f"<caption>{html.escape(caption)}</caption>")
    lines.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>")
    lines.append("<tbody>")
    lines += ["<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows]
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def items(texts: Iterable[str]) -> str:
    """An HTML list of ``texts``, each escaped; empty when there are none.

    >>> items(["Rule out first (Angina): <now>"])
    '<ul class="tpmap">\\n<li>Rule out first (Angina): &lt;now&gt;</li>\\n</ul>'
    """
    shown = [f"<li>{html.escape(text)}</li>" for text in texts]
    return "\n".join(['<ul class="tpmap">', *shown, "</ul>"]) if shown else ""
