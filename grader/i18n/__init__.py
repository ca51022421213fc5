"""Editions of the course in other languages, kept in step with the English source.

English notebooks and pages stay the only source of code, tests and metadata.
Other languages live in gettext catalogues (``locale/<lang>.po``) beside each
unit and page, keyed by cell id; ``segments`` says what in a notebook is text,
``catalog`` keeps the catalogues in step, ``edition`` writes a translated
notebook, and ``glossary`` holds the terms every translation must use.
"""

LANGUAGES = ("en", "zh_CN")
SOURCE_LANGUAGE = "en"
