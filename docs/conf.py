"""Sphinx configuration for the Task Master for Python documentation (`make docs`).

scripts/docs builds with `-E -W --keep-going -n`: a fresh environment every time (an incremental
build would stay silent about pages it did not re-read), warnings are errors, and nitpicky mode
makes every cross-reference to a `taskmaster` name fail the build when the name does not exist.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

# --- project ---------------------------------------------------------------------------------
project = "Task Master for Python"
author = "Task Master contributors"
copyright = "Task Master contributors"
# The one version source, read as a file so the docs never show a stale installed version.
release = str(runpy.run_path(str(ROOT / "src/taskmaster/_version.py"))["__version__"])
version = release

# --- sources -----------------------------------------------------------------------------------
extensions = [
    "myst_parser",
    "public_api",  # docs/_ext/public_api.py: the API reference follows taskmaster.__all__
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_redoc", "_ext"]

myst_enable_extensions = ["colon_fence", "deflist", "tasklist"]
# `[text](page.md#some-heading)` links resolve to the heading's anchor.
myst_heading_anchors = 3

# --- autodoc (the API reference) ---------------------------------------------------------------
# Docstrings are reST; Markdown-style `name` in them renders as code instead of italics.
default_role = "literal"
autodoc_member_order = "bysource"
# An async class's undocumented methods share its sync twin's docstrings (`AsyncX` -> `X`,
# derived by docs/_ext/public_api.py; `public_api_twins` would name a twin it cannot derive).
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"


# --- nitpicky mode -----------------------------------------------------------------------------
# No intersphinx: the build runs without network, so targets outside this project (the standard
# library, httpx, attrs, the generated package's private helpers) cannot resolve. Everything in
# `taskmaster` must: a guide naming a class or method the SDK does not have fails the build.
nitpick_ignore_regex = [
    (r"py:.*", r"(?!taskmaster\b).*"),  # any target outside the taskmaster package
    (r"py:(class|obj)", r"taskmaster\._[\w.]+\.[A-Z]"),  # type variables (T) of private generics
    # The namespaces' classes (`client.tasks` is a `Tasks`), generated from the spec.
    (r"py:(class|obj)", r"taskmaster\._generated\.[\w.]+"),
]

# --- HTML --------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"Task Master for Python {release}"
# scripts/docs renders the REST reference (ReDoc) into _build/redoc/rest-api.html first; this
# copies it next to index.html. A missing directory is a warning, so the build fails when run
# without scripts/docs.
html_extra_path = ["_build/redoc"]
html_copy_source = False
html_show_sourcelink = False
