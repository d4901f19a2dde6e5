"""Sphinx configuration of the tpmap documentation site.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (after
``pip install -e ".[docs]"``). The atlas (a page per muscle and per body area) and the generated reference
pages (the API list, the catalogue file format, the output schema) are written from the installed tpmap at the
start of every build, by the extensions in ``docs/_ext``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import tpmap

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "tpmap"
author = "tpmap developers"
copyright = "tpmap developers, MIT licence"
release = tpmap.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxarg.ext",
    "tpmap_reference",
    "tpmap_atlas",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
# _generated holds pieces that other pages include; conftest.py is the doctest set-up, not a page
exclude_patterns = ["_build", "_generated", "conftest.py", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
# types in the parameter lists, not the signatures: the signatures stay readable
autodoc_typehints = "description"
autodoc_typehints_format = "short"
python_use_unqualified_type_names = True
autodoc_default_options = {"members": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Docstrings say "file:line:column" for where a problem lies; docutils would make it a link to nowhere, and the
# site has no file: links of its own.
importlib.import_module("docutils.utils.urischemes").schemes.pop("file", None)

html_theme = "furo"
html_title = f"tpmap {release}"
html_static_path = ["_static", "_generated/static"]  # the second: published JSON Schemas
html_css_files = ["tpmap.css"]
html_show_sourcelink = False
html_theme_options = {
    "sidebar_hide_name": False,
    "navigation_with_keys": True,
}
