"""``ailab collect``: every shape of input lands in nbgrader's layout, and no file is lost without a word."""

import io
import json
import struct
import zipfile
from datetime import datetime, timezone

import nbformat
import pytest
from nbgrader.utils import parse_utc

from grader.errors import BadInput
from grader.instructor import collect as collect_module
from grader.instructor.collect import collect
from tests.helpers import release_nb


def notebook(course, marker="", **ailab):
    """The released ic-t1 notebook as text; ``marker`` makes its content differ."""
    nb = release_nb(course, "ic-t1")
    nb.metadata.setdefault("ailab", {}).update(ailab)
    if marker:
        nb.metadata["marker"] = marker
    return nbformat.writes(nb)


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def zip_bytes(members):
    """A student's own zip, as bytes to put inside the platform's zip."""
    buffer = io.BytesIO()
    make_zip(buffer, members)
    return buffer.getvalue()


def submitted(course, student):
    return (course.submitted("ic-t1", student) / "ic-t1.ipynb").read_text(encoding="utf-8")


def everything_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_both_common_zip_layouts_land_in_nbgrader_layout(course_copy, tmp_path):
    text = notebook(course_copy)
    archive = make_zip(tmp_path / "class.zip", {"alice/ic-t1.ipynb": text, "bob_ic-t1_final.ipynb": text})
    assert collect("ic-t1", archive, course_copy.root).students == ["alice", "bob"]
    for student in ("alice", "bob"):
        assert submitted(course_copy, student) == text


def test_chinese_names_and_school_numbers_are_student_ids(course_copy, tmp_path):
    archive = make_zip(
        tmp_path / "class.zip",
        {
            "李雷_ic-t1.ipynb": notebook(course_copy, "li"),
            "2025016/ic-t1.ipynb": notebook(course_copy, "16"),
            "２０２５０１７-ic-t1.ipynb": notebook(course_copy, "17"),  # full-width digits from a Chinese IME
            "阿依古丽·买买提_ic-t1.ipynb": notebook(course_copy, "ayi"),
            "2025020-ic-t1_final.ipynb": notebook(course_copy, "20"),
            "O'Brien (2)_ic-t1.ipynb": notebook(course_copy, "ob"),
        },
    )
    result = collect("ic-t1", archive, course_copy.root)
    assert result.students == ["2025016", "2025017", "2025020", "O'Brien (2)", "李雷", "阿依古丽·买买提"]
    assert result.skipped == []
    assert '"li"' in submitted(course_copy, "李雷")


def test_ids_unsafe_as_folder_names_are_skipped_with_the_reason(course_copy, tmp_path):
    archive = make_zip(
        tmp_path / "class.zip",
        {
            "alice_ic-t1.ipynb": notebook(course_copy),
            "a:b_ic-t1.ipynb": notebook(course_copy, "colon"),
            "CON_ic-t1.ipynb": notebook(course_copy, "windows"),
            ".hidden_ic-t1.ipynb": notebook(course_copy, "dot"),
            "-rf_ic-t1.ipynb": notebook(course_copy, "option"),
        },
    )
    result = collect("ic-t1", archive, course_copy.root)
    assert result.students == ["alice"]
    reasons = dict(result.skipped)
    colon = reasons[f"{archive}/a:b_ic-t1.ipynb"]
    assert "'a:b'" in colon and "folder name" in colon
    assert "'CON'" in reasons[f"{archive}/CON_ic-t1.ipynb"]
    assert "'-rf'" in reasons[f"{archive}/-rf_ic-t1.ipynb"]
    assert reasons[f"{archive}/.hidden_ic-t1.ipynb"] == "a hidden file"
    assert everything_under(course_copy.submitted("ic-t1")) == ["alice", "alice/ic-t1", *_files("alice")]


def _files(student):
    return [f"{student}/ic-t1/ic-t1.ipynb", f"{student}/ic-t1/timestamp.txt"]


def test_gbk_names_from_chinese_windows_are_read(course_copy, tmp_path):
    archive = make_zip(tmp_path / "class.zip", {"XXXX_ic-t1.ipynb": notebook(course_copy)})
    # Chinese Windows writes names in GBK without zip's UTF-8 flag; "李雷" is 4 bytes in GBK
    archive.write_bytes(archive.read_bytes().replace(b"XXXX_", "李雷_".encode("gbk")))
    assert collect("ic-t1", archive, course_copy.root).students == ["李雷"]


@pytest.mark.parametrize(
    "members, students",
    [
        ({"submissions/alice_ic-t1.ipynb": "a", "submissions/bob_ic-t1.ipynb": "b"}, ["alice", "bob"]),
        ({"ic-t1/alice/ic-t1.ipynb": "a"}, ["alice"]),  # a folder named for the unit names no student
        ({"作业/2025016/ic-t1.ipynb": "a", "作业/2025017/ic-t1.ipynb": "b"}, ["2025016", "2025017"]),
        ({"作业/2025016/ic-t1.ipynb": "a"}, ["2025016"]),
        ({"下载/作业/李雷_ic-t1.ipynb": "a", "下载/作业/__MACOSX/._x": "junk"}, ["李雷"]),
        ({"alice/ic-t1.ipynb": "a"}, ["alice"]),  # one student's folder is no wrapper
    ],
)
def test_a_common_wrapper_folder_is_stripped(course_copy, tmp_path, members, students):
    archive = make_zip(tmp_path / "class.zip", {k: notebook(course_copy, v) for k, v in members.items()})
    assert collect("ic-t1", archive, course_copy.root).students == students


def test_an_unknown_unit_is_refused_before_anything_is_written(course_copy, tmp_path):
    archive = make_zip(tmp_path / "class.zip", {"alice_ic-t7.ipynb": notebook(course_copy)})
    with pytest.raises(BadInput) as err:
        collect("ic-t7", archive, course_copy.root)
    assert "ic-t7" in str(err.value) and "ic-t1" in str(err.value)
    assert not course_copy.submitted("ic-t1").exists()


def test_every_skipped_file_is_named_with_its_reason(course_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(collect_module, "MAX_MEMBER_MB", 0.5)
    big = notebook(course_copy, "x" * 2**20)
    archive = make_zip(
        tmp_path / "class.zip",
        {
            "alice/ic-t1.ipynb": notebook(course_copy, "alice"),
            "alice/data.csv": "1,2",
            "alice/.ipynb_checkpoints/ic-t1-checkpoint.ipynb": notebook(course_copy, "old"),
            "__MACOSX/alice/._ic-t1.ipynb": "junk",
            "ic-t1.ipynb": notebook(course_copy, "nobody"),
            "dave/ic-t1.ipynb": big,
            "carol/ic-t1.ipynb": notebook(course_copy, "carol"),
            "carol/scratch.ipynb": notebook(course_copy, "scratch"),
            "erin/ic-t1.ipynb": notebook(course_copy, "erin"),
            "erin/ic-t1 copy.ipynb": notebook(course_copy, "erin"),  # the same bytes
        },
    )
    result = collect("ic-t1", archive, course_copy.root)
    assert result.students == ["alice", "carol", "erin"]
    reasons = {label.removeprefix(f"{archive}/"): why for label, why in result.skipped}
    checkpoint = "alice/.ipynb_checkpoints/ic-t1-checkpoint.ipynb"
    assert sorted(reasons) == sorted(
        ["alice/data.csv", checkpoint, "__MACOSX/alice/._ic-t1.ipynb", "ic-t1.ipynb", "dave/ic-t1.ipynb",
         "carol/scratch.ipynb", "erin/ic-t1 copy.ipynb"]
    )
    assert reasons["alice/data.csv"] == "not a notebook"
    kept = f"{archive}/carol/ic-t1.ipynb"
    assert reasons["carol/scratch.ipynb"] == f"a second notebook for carol; collected {kept}"
    assert reasons["erin/ic-t1 copy.ipynb"] == f"the same notebook as {archive}/erin/ic-t1.ipynb"
    assert "checkpoint" in reasons[checkpoint]
    assert "__MACOSX" in reasons["__MACOSX/alice/._ic-t1.ipynb"]
    assert "no student id" in reasons["ic-t1.ipynb"]
    assert "MB limit" in reasons["dave/ic-t1.ipynb"]
    assert '"carol"' in submitted(course_copy, "carol")


TRICKS = ["../../../etc/evil.ipynb", "/etc/evil.ipynb", "..\\..\\evil.ipynb", "C:/evil.ipynb"]


@pytest.mark.parametrize("trick", TRICKS)
def test_a_path_trick_refuses_the_whole_zip_and_says_so(course_copy, tmp_path, trick):
    members = {"alice/ic-t1.ipynb": notebook(course_copy), trick: "{}", "bob/ic-t1.ipynb": "{}"}
    archive = make_zip(tmp_path / "bad.zip", members)
    with pytest.raises(BadInput) as err:
        collect("ic-t1", archive, course_copy.root)
    assert "outside the zip" in str(err.value) and "evil.ipynb" in str(err.value)
    assert not course_copy.submitted("ic-t1").exists()


def test_two_different_notebooks_that_could_each_be_the_submission_refuse(course_copy, tmp_path):
    first = make_zip(tmp_path / "first.zip", {"alice/ic-t1.ipynb": notebook(course_copy, "old")})
    collect("ic-t1", first, course_copy.root)
    before = everything_under(course_copy.root)
    archive = make_zip(
        tmp_path / "class.zip",
        {
            "alice/ic-t1.ipynb": notebook(course_copy, "new"),
            "bob_ic-t1_v1.ipynb": notebook(course_copy, "1"),
            "bob_ic-t1_final.ipynb": notebook(course_copy, "2"),
        },
    )
    with pytest.raises(BadInput) as err:
        collect("ic-t1", archive, course_copy.root)
    message = str(err.value)
    assert "'bob'" in message and "bob_ic-t1_v1.ipynb" in message and "bob_ic-t1_final.ipynb" in message
    assert everything_under(course_copy.root) == before
    assert '"old"' in submitted(course_copy, "alice")


def test_several_inputs_at_once_zip_folder_and_single_notebook(course_copy, tmp_path):
    archive = make_zip(tmp_path / "class.zip", {"alice/ic-t1.ipynb": notebook(course_copy, "a")})
    folder = tmp_path / "usb-stick" / "ic-t1"
    (folder / "2025016").mkdir(parents=True)
    (folder / "2025016" / "ic-t1.ipynb").write_text(notebook(course_copy, "16"))
    (folder / "notes.txt").write_text("from the lesson")
    single = tmp_path / "李雷_ic-t1 (1).ipynb"
    single.write_text(notebook(course_copy, "li"))
    result = collect("ic-t1", [archive, folder, single], course_copy.root)
    assert result.students == ["2025016", "alice", "李雷"]
    assert result.skipped == [(f"{folder}/notes.txt", "not a notebook")]
    assert '"16"' in submitted(course_copy, "2025016")


def test_a_platform_zip_of_students_own_zips(course_copy, tmp_path):
    archive = make_zip(
        tmp_path / "platform.zip",
        {
            "ic-t1/2025016_ic-t1.zip": zip_bytes({"2025016/ic-t1.ipynb": notebook(course_copy, "16")}),
            "ic-t1/李雷_ic-t1.zip": zip_bytes({"ic-t1.ipynb": notebook(course_copy, "li"), "photo.png": "p"}),
            "ic-t1/2025018_ic-t1.zip": zip_bytes({"a.zip": "", "2025019_ic-t1.ipynb": notebook(course_copy)}),
        },
    )
    result = collect("ic-t1", archive, course_copy.root)
    assert result.students == ["2025016", "2025018", "李雷"]
    assert '"li"' in submitted(course_copy, "李雷")
    reasons = dict(result.skipped)
    assert reasons[f"{archive}/ic-t1/李雷_ic-t1.zip/photo.png"] == "not a notebook"
    assert "zip inside" in reasons[f"{archive}/ic-t1/2025018_ic-t1.zip/a.zip"]
    assert any("2025019" in w and "collected as 2025018" in w for w in result.warnings), result.warnings


def test_a_students_own_zip_alone_is_an_input(course_copy, tmp_path):
    own = {"2025016/ic-t1.ipynb": notebook(course_copy, student="2025016")}  # what `ailab handin` writes
    handin = make_zip(tmp_path / "2025016_ic-t1.zip", own)
    assert collect("ic-t1", handin, course_copy.root).students == ["2025016"]


def test_the_notebooks_own_student_id_names_an_unnamed_file_and_disagreement_is_said(course_copy, tmp_path):
    archive = make_zip(
        tmp_path / "class.zip",
        {
            "ic-t1.ipynb": notebook(course_copy, "me", student="2025018"),
            "alice_ic-t1.ipynb": notebook(course_copy, "alice", student="bob"),
            "carol_ic-t1.ipynb": notebook(course_copy, "carol", id="ic-t2"),
        },
    )
    result = collect("ic-t1", archive, course_copy.root)
    assert result.students == ["2025018", "alice", "carol"]
    assert result.warnings == [
        f"warning: {archive}/alice_ic-t1.ipynb: the notebook says it belongs to bob; collected as alice",
        f"warning: {archive}/carol_ic-t1.ipynb: this notebook is from unit ic-t2, not ic-t1",
    ]


def test_a_different_resubmission_keeps_the_earlier_one_and_the_same_is_unchanged(course_copy, tmp_path):
    old, new = notebook(course_copy, "old"), notebook(course_copy, "new")
    first = make_zip(tmp_path / "1.zip", {"李雷/ic-t1.ipynb": old, "bob/ic-t1.ipynb": old})
    collect("ic-t1", first, course_copy.root)
    again = make_zip(tmp_path / "2.zip", {"李雷/ic-t1.ipynb": new, "bob/ic-t1.ipynb": old})
    result = collect("ic-t1", again, course_copy.root)
    assert [(c.student, c.status) for c in result.collected] == [("bob", "unchanged"), ("李雷", "replaced")]
    kept = result.collected[1].kept
    assert kept.parent == course_copy.private("ic-t1") / "replaced"
    assert kept.name.startswith("李雷-") and kept.read_text(encoding="utf-8") == old
    assert submitted(course_copy, "李雷") == new
    assert f"the earlier one is kept at {kept}" in result.summary()[1]
    third = collect("ic-t1", again, course_copy.root)
    assert [c.status for c in third.collected] == ["unchanged", "unchanged"]
    assert sorted(p.name for p in kept.parent.iterdir()) == [kept.name]
    assert not list(course_copy.root.rglob("*.tmp"))


def test_nbgrader_timestamp_is_written_from_the_zip_or_now(course_copy, tmp_path):
    archive = tmp_path / "class.zip"
    when = datetime(2025, 9, 1, 8, 30, tzinfo=timezone.utc)
    info = zipfile.ZipInfo("alice/ic-t1.ipynb")
    info.extra = struct.pack("<HHBi", 0x5455, 5, 1, int(when.timestamp()))  # zip's UTC modification time
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(info, notebook(course_copy))
        z.writestr("bob/ic-t1.ipynb", notebook(course_copy))
    before = datetime.now(timezone.utc)
    collect("ic-t1", archive, course_copy.root)
    alice = (course_copy.submitted("ic-t1", "alice") / "timestamp.txt").read_text()
    assert alice == "2025-09-01 08:30:00.000000 UTC"
    assert parse_utc(alice) == when.replace(tzinfo=None)
    bob = parse_utc((course_copy.submitted("ic-t1", "bob") / "timestamp.txt").read_text())
    assert before.replace(tzinfo=None) <= bob <= datetime.now(timezone.utc).replace(tzinfo=None)


def test_nothing_to_collect_says_what_was_there(course_copy, tmp_path):
    archive = make_zip(tmp_path / "class.zip", {"readme.txt": "hi", "ic-t1.ipynb": json.dumps({})})
    with pytest.raises(BadInput) as err:
        collect("ic-t1", archive, course_copy.root)
    assert "readme.txt: not a notebook" in str(err.value) and "no student id" in str(err.value)
    assert not course_copy.submitted("ic-t1").exists()


def test_links_in_a_folder_are_named_not_followed(course_copy, tmp_path):
    folder = tmp_path / "class"
    (folder / "alice").mkdir(parents=True)
    (folder / "alice" / "ic-t1.ipynb").write_text(notebook(course_copy))
    secret = tmp_path / "secret.ipynb"
    secret.write_text("{}")
    (folder / "bob_ic-t1.ipynb").symlink_to(secret)
    result = collect("ic-t1", folder, course_copy.root)
    assert result.students == ["alice"]
    assert result.skipped == [(f"{folder}/bob_ic-t1.ipynb", "a link, not a file")]
