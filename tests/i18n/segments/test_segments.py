"""What in a notebook is words for people: exactly those pieces, at exactly those places."""

from __future__ import annotations

import pytest

from grader import paths
from grader.authoring import units
from grader.i18n import segments, sources

UNIT_IDS = sorted(units.unit_paths())


def _markdown_sources() -> list[tuple[str, str]]:
    """Every markdown cell of every unit, and the hand-written book pages (which have fences)."""
    found = [
        (f"{unit.id} {cell.id}", cell.source)
        for unit in units.discover()
        for cell in unit.notebook.cells
        if cell.cell_type == "markdown"
    ]
    for name in sources.BOOK_PAGES:
        page = paths.BOOK_PAGES / name
        if page.is_file():
            found.append((name, page.read_text(encoding="utf-8")))
    return found


def test_paragraphs_of_every_real_markdown_join_back_to_the_input():
    """A translation is spliced into the parts: any lost or doubled character would corrupt the cell."""
    texts = _markdown_sources()
    assert len(texts) > 50
    for where, text in texts:
        parts = segments.paragraphs(text)
        assert "".join(part for part, _ in parts) == text, where
        for part, translatable in parts:
            if translatable:  # a translator never has to reproduce blank lines or trailing newlines
                assert part == part.rstrip("\n") and part.strip(), (where, part)


MARKDOWN = (
    "First line of a paragraph\n"
    "and its second line.\n"
    "\n"
    "```python\n"
    "x = 1\n"
    "\n"
    "print('a fenced example')\n"
    "```\n"
    "\n"
    "### BEGIN SOLUTION\n"
    "*Model answer*\n"
    "The answer runs\n"
    "### END SOLUTION\n"
    "YOUR ANSWER HERE\n"
)
FENCE = "```python\nx = 1\n\nprint('a fenced example')\n```"


def test_paragraphs_split_at_blank_lines_and_nbgrader_delimiters():
    """nbgrader finds its delimiter lines by their exact text: a translated one would break the release."""
    parts = segments.paragraphs(MARKDOWN)
    assert "".join(p for p, _ in parts) == MARKDOWN
    words = [p for p, ok in parts if ok]
    assert words[0] == "First line of a paragraph\nand its second line."
    assert "*Model answer*\nThe answer runs" in words
    assert "YOUR ANSWER HERE" in words
    assert not any("BEGIN SOLUTION" in p or "END SOLUTION" in p for p in words)
    fixed = "".join(p for p, ok in parts if not ok)
    assert "### BEGIN SOLUTION\n" in fixed and "### END SOLUTION\n" in fixed


def test_a_fenced_block_is_one_part_never_split_at_its_blank_lines():
    """Splitting code at a blank line would hand a translator half a program."""
    parts = [p for p, _ in segments.paragraphs(MARKDOWN)]
    assert FENCE in parts


CELL = '''# Draw the piles side by side.
def show(pile):
    """Show one pile of images."""
    print("The pile holds", len(pile), "images")
    ax.set_title("Images in the pile")
    ax.set_xlabel("digit")
    ax.bar(x, y, label="full pile")
    ax.legend(loc="upper center")
    counts = {"training pile": 1000}
    return counts["training pile"]


check("q1", [{"expr": "show('big pile')", "equals": 3, "hint": "Count again.", "name": "pile size"}])
'''


def test_code_pieces_are_comments_docstrings_and_shown_strings_not_code():
    """Translating a dict key, a legend position or a check's expr would change what the program does."""
    found = segments.code_pieces(CELL)
    assert [(p.kind, p.text) for p in found] == [
        ("comment", "Draw the piles side by side."),
        ("string", "Show one pile of images."),
        ("string", "The pile holds"),
        ("string", "images"),  # every positional string of print, even one word
        ("string", "Images in the pile"),
        ("string", "digit"),  # a label is words even without a space
        ("string", "full pile"),
        ("string", "Count again."),
        ("string", "pile size"),
    ]
    for piece in found:  # the spans are where a translation is spliced in
        assert CELL[piece.start : piece.end] == piece.text
    texts = {p.text for p in found}
    assert not texts & {"upper center", "training pile", "show('big pile')", "q1", "expr", "hint"}


def test_a_one_word_check_name_is_still_words():
    """CHECK_TEXT_KEYS says hint and name are words: a name like "balance" is shown to the student too."""
    cell = 'check("q7", [{"expr": "ratio()", "between": [0.9, 1.0], "name": "balance", "hint": "Recount."}])'
    assert [p.text for p in segments.code_pieces(cell)] == ["balance", "Recount."]


DROPDOWN = """choice = widgets.Dropdown(options=["big pile", "small pile"], description="pile")
if choice.value == "big pile":
    print("chosen")
"""


def test_a_value_the_same_cell_compares_is_translated_in_both_places():
    """The option shown and the value compared must stay equal, so both change together."""
    found = segments.code_pieces(DROPDOWN)
    option, compared = DROPDOWN.index('"big pile"') + 1, DROPDOWN.index('== "big pile"') + 4
    assert [p.start for p in found if p.text == "big pile"] == [option, compared]
    assert {"small pile", "pile", "chosen"} <= {p.text for p in found}


CHOOSER = 'mode = widgets.Dropdown(options=["big pile", "small pile"], description="pile")\n'
READER = 'if mode.value == "big pile":\n    print("big pile")\nprint("You chose", mode.value)\n'


def test_a_value_another_cell_compares_is_frozen_except_where_only_printed():
    """Another cell compares the English value, so only a printed copy of it may change."""
    frozen = segments.frozen_values([CHOOSER, READER])
    assert frozen == {"big pile"}
    assert "big pile" not in {p.text for p in segments.code_pieces(CHOOSER, frozen)}
    assert "small pile" in {p.text for p in segments.code_pieces(CHOOSER, frozen)}
    reader = [p for p in segments.code_pieces(READER, frozen) if p.text == "big pile"]
    assert [p.start for p in reader] == [READER.index('print("big pile")') + len('print("')]
    # Without the freeze the comparison would be translated too: the test can tell the difference.
    assert len([p for p in segments.code_pieces(READER) if p.text == "big pile"]) == 2


SHAPED = 'print(f"{acc:.1%} of {n} images")  # a comment\nlimit = 3\nplt.title("Accuracy")\n'


@pytest.mark.parametrize(
    "other",
    [
        'print(f"{acc:.1%} of {n} images")  # 注释\nlimit = 3\nplt.title("准确率")\n',
        'print(f"共 {n} 幅图像，准确率 {acc:.1%}")\nlimit = 3\nplt.title("准确率")\n',  # fields reordered
        "print(f'{acc:.1%} of {n} images')\nlimit = 3  # 阈值\nplt.title('Accuracy')\n",
    ],
)
def test_code_shape_ignores_words_comments_and_word_order(other):
    """A translation changes only words; Chinese may put an f-string's words around its fields its own way."""
    assert segments.code_shape(SHAPED) == segments.code_shape(other)


@pytest.mark.parametrize(
    "other",
    [
        'print(f"{acc:.1%} of {m} images")\nlimit = 3\nplt.title("Accuracy")\n',  # a field
        'print(f"{acc:.1%} of {n} images")\nlimit = 4\nplt.title("Accuracy")\n',  # a number
        'print(f"{acc:.1%} of {n} images")\nlimits = 3\nplt.title("Accuracy")\n',  # a name
        'print(f"{acc:.1%} of {n}", "images")\nlimit = 3\nplt.title("Accuracy")\n',  # an ASCII quote
        'print(f"{acc:.1%} of {n} {n} images")\nlimit = 3\nplt.title("Accuracy")\n',  # a field twice
        'print(f"{acc!r:.1%} of {n} images")\nlimit = 3\nplt.title("Accuracy")\n',  # a conversion
    ],
)
def test_code_shape_differs_when_the_program_differs(other):
    """These translations would print or compute something else: validate must see them."""
    assert segments.code_shape(SHAPED) != segments.code_shape(other)


def test_code_shape_differs_when_a_format_spec_changes():
    """A field's format spec is code: `{acc:d}` for `{acc:.1%}` crashes on a float."""
    assert segments.code_shape(SHAPED) != segments.code_shape(SHAPED.replace(":.1%", ":d"))


@pytest.mark.parametrize("unit_id", UNIT_IDS)
def test_code_pieces_of_real_cells_are_exact_spans(unit_id):
    """Every piece of a real unit sits where it says, so a translation replaces exactly it."""
    for cell in units.get(unit_id).notebook.cells:
        if cell.cell_type == "code":
            for piece in segments.code_pieces(cell.source):
                assert cell.source[piece.start : piece.end] == piece.text, (cell.id, piece)


def test_meta_texts_are_prose_not_ids_codes_or_quotes():
    """Ids, codes and quoted numbers are read by code; only the prose goes to the translator."""
    meta = {
        "id": "ic-t1",
        "title": "How a computer sees",
        "tier": "T1",
        "objectives": [{"id": "O1", "text": "Describe an image.", "ai4k12": ["1-A-III"]}],
        "lesson_plan": [{"period": 1, "phase": "hook", "minutes": 5, "activity": "Sort the piles."}],
        "teacher_notes": {"key_points": ["Pixels are numbers.", "Distance is a ruler."]},
        "quotes": [{"text": "98.4 %", "expr": "f'{acc:.1%}'"}],
        "wrong_answer": "value = 0",
    }
    assert list(segments.meta_texts(meta)) == [
        (("title",), "How a computer sees"),
        (("objectives", 0, "text"), "Describe an image."),
        (("lesson_plan", 0, "activity"), "Sort the piles."),
        (("teacher_notes", "key_points", 0), "Pixels are numbers."),
        (("teacher_notes", "key_points", 1), "Distance is a ruler."),
    ]


def test_answers_to_discussion_prompts_are_prose_but_a_cells_prompt_ids_are_not():
    """The Chinese instructor edition once printed every prompt's answer in English."""
    answers = [{"id": "hook", "answer": "The ink is where the numbers are big."}]
    unit_meta = {"teacher_notes": {"prompts": answers}}
    cell_meta = {"prompts": ["hook", "greedy"]}
    assert list(segments.meta_texts(unit_meta)) == [
        (("teacher_notes", "prompts", 0, "answer"), "The ink is where the numbers are big.")
    ]
    assert list(segments.meta_texts(cell_meta)) == []
