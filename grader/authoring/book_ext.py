"""A Sphinx extension for the course book: a link to the other language, and script tags once.

Every page links to the same page in the other language's book; the two
sites are built side by side (``build/site-student`` and
``build/site-student-zh_CN``), so the link is relative and works offline.

sphinx-thebe (pulled in by Jupyter Book 1) registers its inline settings on
every ``env-before-read-docs``, which can happen twice in one build; the
repeated ``const`` declarations then raise errors in the reader's browser.
"""

from __future__ import annotations

import html


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


def _other_language(app, pagename, templatename, context, doctree) -> None:
    other = app.config.ailab_other_language
    if not other or "body" not in context:
        return
    up = "../" * (pagename.count("/") + 1)
    href = html.escape(f"{up}{other['site']}/{pagename}.html")
    label, lang = html.escape(other["label"]), other.get("lang", "")
    link = f'<p class="ailab-other-language"><a href="{href}" hreflang="{lang}">{label}</a></p>'
    context["body"] = link + context["body"]


def setup(app):
    app.add_config_value("ailab_other_language", None, "html")
    app.connect("html-page-context", _dedupe_scripts, priority=1)
    app.connect("html-page-context", _other_language)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
