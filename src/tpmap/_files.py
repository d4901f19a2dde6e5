r"""Where a file may be written: the one check every writer uses (charts, exported catalogues, the CLI).

>>> output_problem("no-such-chart.svg", force=False) is None
True
>>> output_problem("a\x00b.svg", force=True)
'cannot write a file whose name contains a NUL character'
"""

from __future__ import annotations

from pathlib import Path


def output_problem(path: str, force: bool, how: str = "--force") -> str | None:
    """Why a file cannot be written at ``path`` (a folder, a NUL character, an existing file without
    ``force``, a missing folder), or None when it can; ``how`` says how to ask for a file to be replaced."""
    if "\x00" in path:
        return "cannot write a file whose name contains a NUL character"
    target = Path(path)
    if target.is_dir():
        return "it is a folder; give a file name"
    if target.exists() and not force:
        return f"the file exists; pass {how} to replace it"
    if not target.parent.is_dir():
        return f"the folder {target.parent} does not exist"
    return None
