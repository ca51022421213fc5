import zipfile

import nbformat

from grader.collect import collect
from tests.helpers import release_nb


def test_both_common_zip_layouts_land_in_nbgrader_layout(course_copy, tmp_path):
    text = nbformat.writes(release_nb(course_copy, "ic-t1"))
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("alice/ic-t1.ipynb", text)
        z.writestr("bob_ic-t1_final.ipynb", text)
        z.writestr("__MACOSX/alice/._ic-t1.ipynb", "junk")
    assert collect("ic-t1", archive, course_copy.root) == ["alice", "bob"]
    for student in ("alice", "bob"):
        assert (course_copy.submitted("ic-t1", student) / "ic-t1.ipynb").read_text() == text
