"""What in a notebook is words for people, and where exactly it sits.

A translation may change only these pieces: markdown paragraphs, code
comments, human-readable string literals (docstrings, titles, labels, printed
messages, a check's ``hint`` and ``name``) and the unit's descriptive
metadata. Everything else (code, check expressions and expected values,
nbgrader metadata) is left byte for byte as the English source has it, which
:func:`code_shape` lets a test prove.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from .. import syntax

# nbgrader's delimiter lines and fenced code blocks are never split or translated as prose.
DELIMITER = re.compile(r"^\W*(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)\W*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
WORDS = re.compile(r"[A-Za-z]{2,}")
MAGIC = re.compile(r"^\s*[%!]")
# Strings in these places are words for people even without a space (a slider's "k", a title).
TEXT_KEYWORDS = {
    "description",
    "title",
    "label",
    "xlabel",
    "ylabel",
    "text",
    "placeholder",
    "tooltip",
    "suptitle",
}
TEXT_CALLS = {
    "set_title",
    "set_xlabel",
    "set_ylabel",
    "suptitle",
    "title",
    "xlabel",
    "ylabel",
    "print",
    "text",
}
CHECK_TEXT_KEYS = {"hint", "name"}  # in a check(...) spec only these are words; expr and values are code
# Metadata keys whose strings are prose (unit level and cell level); ids, codes and quotes are not.
META_TEXT_KEYS = {
    "title",
    "summary",
    "audience",
    "text",
    "activity",
    "key_points",
    "point",
    "approach",
    "answer",
    "error",
    "say",
    "plan_b",
    "level",
    "descriptor",
    "understanding",
}
META_SKIP = {"quotes", "near_misses", "wrong_answer", "prompts", "objectives_ids"}


def _teacher_answers(key: str, value) -> bool:
    """``teacher_notes.prompts`` holds answers to discussion prompts (prose); a cell's ``prompts``, ids."""
    return key == "prompts" and isinstance(value, list) and all(isinstance(v, dict) for v in value)


@dataclass(frozen=True)
class Piece:
    """One translatable piece: its text and, for code, its exact span in the source."""

    kind: str  # "paragraph", "comment", "string"
    text: str
    start: int = 0  # character offsets into the cell source (code pieces only)
    end: int = 0


def paragraphs(markdown: str) -> list[tuple[str, bool]]:
    """The markdown as consecutive parts ``(text, translatable)``; joining the texts gives it back.

    Parts are paragraphs (runs of lines between blank lines), whole fenced
    blocks, and nbgrader's delimiter lines, which stay as they are.
    """
    parts: list[tuple[str, bool]] = []
    block: list[str] = []
    fence = None

    def close() -> None:
        if block:
            text = "".join(block)
            body = text.rstrip("\n")
            parts.append((body, bool(WORDS.search(body))))
            if len(body) < len(text):
                parts.append((text[len(body) :], False))
            block.clear()

    for line in markdown.splitlines(keepends=True):
        marker = FENCE.match(line)
        if fence is not None:
            block.append(line)
            if marker and marker[1].startswith(fence):
                fence = None
            continue
        if marker:
            fence = marker[1]
            block.append(line)
        elif DELIMITER.match(line.strip()):
            close()
            parts.append((line, False))
        elif not line.strip():
            close()
            parts.append((line, False))
        else:
            block.append(line)
    close()
    merged: list[tuple[str, bool]] = []
    for text, translatable in parts:  # adjacent fixed parts become one
        if merged and not translatable and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + text, False)
        else:
            merged.append((text, translatable))
    return merged


def _blank_magics(source: str) -> str:
    """The source with IPython magic lines blanked, so Python's own parsers accept it; offsets keep."""
    return "".join(
        re.sub(r"[^\n]", " ", ln) if MAGIC.match(ln) else ln for ln in source.splitlines(keepends=True)
    )


def _offsets(source: str) -> list[int]:
    """Character offset of each line's start (1-based line numbers index it)."""
    starts, total = [0, 0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def _char_col(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _comments(source: str, starts: list[int]) -> list[Piece]:
    pieces = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                body = tok.string[1:].strip()
                if WORDS.search(body) and not DELIMITER.match(tok.string.strip()):
                    begin = (
                        starts[tok.start[0]] + tok.start[1] + len(tok.string) - len(tok.string[1:].lstrip())
                    )
                    pieces.append(Piece("comment", body, begin, begin + len(body)))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return pieces


def _literal_body(token: str) -> tuple[int, int] | None:
    """Offsets of a string literal's contents inside its token text (after prefix and quotes)."""
    match = re.fullmatch(r"([rRbBuUfF]{0,2})('\'\'|\"\"\"|'|\")(.*)\2", token, re.S)
    return (len(match[1]) + len(match[2]), len(token) - len(match[2])) if match else None


def _string_tokens(source: str, starts: list[int]) -> list[tuple[int, int]]:
    """Spans of every string literal token (an f-string is one, whatever the Python version)."""
    spans, opened = [], None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            name = tokenize.tok_name[tok.type]
            begin = starts[tok.start[0]] + tok.start[1]
            end = starts[tok.end[0]] + tok.end[1]
            if name == "STRING":
                spans.append((begin, end))
            elif name == "FSTRING_START":
                opened = begin if opened is None else opened
            elif name == "FSTRING_END" and opened is not None:
                spans.append((opened, end))
                opened = None
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return spans


class _Strings(ast.NodeVisitor):
    """String literals that are words for people, with the reason we know they are."""

    def __init__(self) -> None:
        self.found: list[ast.AST] = []
        self.sinks: set[int] = set()  # printed or drawn only: never flows into code

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "check":
            for arg in node.args[1:]:
                for spec in ast.walk(arg):
                    if isinstance(spec, ast.Dict):
                        for key, value in zip(spec.keys, spec.values, strict=True):
                            if isinstance(key, ast.Constant) and key.value in CHECK_TEXT_KEYS:
                                self._take(value, named=True)
            return
        if name in TEXT_CALLS:  # print("from", a, "to", b): every string is words; a title's first
            for arg in node.args if name == "print" else node.args[:1]:
                self._take(arg, named=True)
        for kw in node.keywords:  # loc="upper center" is code; label="full pile" is words
            if kw.arg in TEXT_KEYWORDS:
                self._take(kw.value, named=True)
            elif not isinstance(kw.value, (ast.Constant, ast.JoinedStr)):
                self.visit(kw.value)
        for arg in node.args[(len(node.args) if name == "print" else 1 if name in TEXT_CALLS else 0) :]:
            self._take(arg)
        self.visit(node.func)

    def visit_Dict(self, node: ast.Dict) -> None:  # keys are code; values may be words
        for value in node.values:
            self._take(value)

    def visit_Subscript(self, node: ast.Subscript) -> None:  # history["val_acc"] is code
        self.visit(node.value)

    def visit_Compare(self, node: ast.Compare) -> None:  # name == "none" is code
        return

    def visit_Constant(self, node: ast.Constant) -> None:
        self._take(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._take(node)

    def _take(self, node: ast.AST, named: bool = False) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = " ".join(v.value for v in node.values if isinstance(v, ast.Constant))
        else:
            if not isinstance(node, ast.Constant):
                self.visit(node)
            return
        if WORDS.search(text) and (named or re.search(r"\s", text.strip()) or not text.isascii()):
            self.found.append(node)
            if named:
                self.sinks.add(id(node))


def _spans(nodes, source: str, starts: list[int]) -> list[tuple[int, int]]:
    lines = source.splitlines(keepends=True)
    return [
        (
            starts[n.lineno] + _char_col(lines[n.lineno - 1], n.col_offset),
            starts[n.end_lineno] + _char_col(lines[n.end_lineno - 1], n.end_col_offset),
        )
        for n in nodes
    ]


def _str_constants(tree) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def code_values(source: str) -> set[str]:
    """String values this cell uses as data: compared, or used as a key or an index."""
    try:
        tree = syntax.parse(_blank_magics(source))
    except SyntaxError:
        return set()
    places = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            places += [node.left, *node.comparators]
        elif isinstance(node, ast.Subscript):
            places.append(node.slice)
        elif isinstance(node, ast.Dict):
            places += [k for k in node.keys if k is not None]
    return {n.value for place in places for n in _str_constants(place) if WORDS.search(n.value)}


def _strings(source: str, starts: list[int], frozen: frozenset[str], docstrings: bool = True) -> list[Piece]:
    try:
        tree = syntax.parse(source)
    except SyntaxError:
        return []
    visitor = _Strings()
    docs = []
    for node in ast.walk(tree):  # docstrings are words wherever they are, but only for readers of the code
        body = getattr(node, "body", None)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef, ast.Module)) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docs.append(first.value)
    visitor.found += docs if docstrings else []
    visitor.visit(tree)
    if not docstrings:
        visitor.found = [n for n in visitor.found if all(n is not d for d in docs)]
    # A value chosen as words is translated wherever this cell uses it (a dropdown's option and
    # the comparison that reads it stay equal); a value another cell uses as code is never translated.
    # A string only printed or drawn is translated even so: it cannot reach the code that reads the value.
    values = {n.value for n in visitor.found if isinstance(n, ast.Constant)} - frozen
    nodes = [n for n in visitor.found if isinstance(n, ast.JoinedStr) or id(n) in visitor.sinks]
    nodes += [n for n in _str_constants(tree) if n.value in values]
    chosen = _spans(nodes, source, starts)
    pieces = []
    for begin, end in _string_tokens(source, starts):  # each literal of "a" "b" on its own
        if any(b <= begin and end <= e for b, e in chosen) and (body := _literal_body(source[begin:end])):
            text = source[begin + body[0] : begin + body[1]]
            if WORDS.search(text):
                pieces.append(Piece("string", text, begin + body[0], begin + body[1]))
    return pieces


def code_pieces(source: str, frozen: frozenset[str] = frozenset(), readers: bool = True) -> list[Piece]:
    """Comments and human-readable string literals of a code cell, in source order.

    ``frozen`` holds string values that other cells use as code; they stay as
    they are. ``readers=False`` keeps only what a program shows (a figure
    script's titles and labels), not the comments and docstrings for its readers.
    """
    plain = _blank_magics(source)
    starts = _offsets(plain)
    pieces = (_comments(plain, starts) if readers else []) + _strings(plain, starts, frozen, readers)
    return sorted(pieces, key=lambda p: p.start)


def frozen_values(sources: list[str]) -> frozenset[str]:
    """String values one cell uses as code and another cell also writes: translating them could break it."""
    literal = re.compile(r"[\"']([^\"'\n]*[A-Za-z]{2,}[^\"'\n]*)[\"']")
    appears = [set(literal.findall(s)) for s in sources]
    frozen: set[str] = set()
    for index, source in enumerate(sources):
        for value in code_values(source):
            if any(value in other for i, other in enumerate(appears) if i != index):
                frozen.add(value)
    return frozenset(frozen)


class _Blank(ast.NodeTransformer):
    """Strings emptied; an f-string keeps only its fields, in any order (Chinese orders words its own way)."""

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.JoinedStr:
        fields = [self.visit(v) for v in node.values if isinstance(v, ast.FormattedValue)]
        return ast.JoinedStr(sorted(fields, key=ast.dump))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.FormattedValue:
        # The field's expression may hold strings; its format ({acc:.1%}) is code and stays as written.
        return ast.FormattedValue(self.visit(node.value), node.conversion, node.format_spec)


def code_shape(source: str) -> str:
    """The code with every string emptied and comments gone: equal shapes mean the same program."""
    plain = _blank_magics(source)
    magics = [ln.strip() for ln in source.splitlines() if MAGIC.match(ln)]
    try:
        tree = syntax.parse(plain)
    except SyntaxError:
        return "unparsable:" + plain
    return "\n".join(magics) + "\n" + ast.dump(_Blank().visit(tree))


def meta_texts(meta, path: tuple = ()):
    """``(path, text)`` for every prose string in unit or cell metadata."""
    if isinstance(meta, dict):
        for key, value in meta.items():
            if key in META_SKIP and not _teacher_answers(key, value):
                continue
            if isinstance(value, str) and key in META_TEXT_KEYS:
                yield (*path, key), value
            elif isinstance(value, list) and key in META_TEXT_KEYS:
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*path, key, i), item
            else:
                yield from meta_texts(value, (*path, key))
    elif isinstance(meta, list):
        for i, item in enumerate(meta):
            yield from meta_texts(item, (*path, i))
