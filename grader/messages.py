"""Student-facing text, looked up in one catalogue per language.

``AILAB_LANG=zh_CN`` (or a Chinese ``LANG``) picks Simplified Chinese; a key
missing there falls back to English so a half-translated catalogue still works.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

CATALOGUES = Path(__file__).with_name("messages")
LANGUAGES = ("en", "zh_CN")


def language() -> str:
    wanted = os.environ.get("AILAB_LANG") or os.environ.get("LANG", "en")
    return "zh_CN" if wanted.lower().startswith("zh") else "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))


def say(key: str, lang: str | None = None, **params: object) -> str:
    """The text for ``key``; with ``n=1`` the ``KEY.one`` variant if there is one ("1 student")."""
    lang = lang or language()
    if params.get("n") == 1 and f"{key}.one" in catalogue("en"):
        key = f"{key}.one"
    text = catalogue(lang).get(key) or catalogue("en")[key]
    return text.format(**params)
