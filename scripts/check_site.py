"""Check a built documentation site: every internal link and image resolves, and the atlas is complete.

Usage: ``python scripts/check_site.py docs/_build/html``

A link within the site (no scheme, not ``mailto:``) must name a file that exists and, when it has a
``#fragment``, an element with that id in it. External links are not followed (CI has no network). The atlas
must have a page for every muscle and every body area of the shipped catalogue, each showing its chart.
Prints a summary; exits 1 listing the problems when there are any.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tpmap


class _Page(HTMLParser):
    """The ids, links and images of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "img" and values.get("src"):
            self.images.append(str(values["src"]))


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_site(root: Path) -> tuple[list[str], dict[str, int]]:
    """The problems of the site built in ``root``, and counts of what was checked."""
    pages = {path.resolve(): _read(path) for path in sorted(root.rglob("*.html"))}
    problems: list[str] = []
    links = 0
    for path, page in pages.items():
        for target in (*page.links, *page.images):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("mailto:"):
                continue  # external: not followed
            links += 1
            where = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            name = path.relative_to(root.resolve())
            if where.is_dir():
                where = where / "index.html"
            if not where.is_file():
                problems.append(f"{name}: {target!r} names a missing file")
                continue
            fragment = unquote(parts.fragment)
            if fragment and where.suffix == ".html" and fragment not in pages[where].ids:
                problems.append(f"{name}: {target!r} names a missing anchor")

    cat = tpmap.load_catalogue()
    atlas = {"muscle": 0, "area": 0}
    for kind, ids in (("muscle", cat.muscles), ("area", cat.regions)):
        for ident in ids:
            path = (root / "atlas" / f"{kind}s" / f"{ident}.html").resolve()
            if path not in pages:
                problems.append(f"atlas: no page for the {kind} {ident!r}")
            elif not any(Path(unquote(src)).name.startswith(f"{kind}-{ident}") for src in pages[path].images):
                problems.append(f"atlas: the page of the {kind} {ident!r} has no chart")
            else:
                atlas[kind] += 1
    return problems, {"pages": len(pages), "links": links, "muscle pages": atlas["muscle"], "area pages": atlas["area"]}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python scripts/check_site.py BUILT_HTML_FOLDER", file=sys.stderr)
        return 2
    problems, counts = check_site(Path(argv[0]))
    for problem in problems:
        print(problem)
    print(", ".join(f"{value} {name}" for name, value in counts.items()) + f"; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
