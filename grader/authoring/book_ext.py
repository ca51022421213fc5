"""A Sphinx extension for the course book: each script tag appears once per page.

sphinx-thebe (pulled in by Jupyter Book 1) registers its inline settings on
every ``env-before-read-docs``, which can happen twice in one build; the
repeated ``const`` declarations then raise errors in the reader's browser.
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", "") or ""), attributes.get("body"))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
