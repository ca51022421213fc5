"""check() in a real Jupyter kernel (ipykernel + IPython), where its cell log is fed by IPython's events.

nbclient sends no cell ids, so there the log knows only the order of runs;
JupyterLab sends each cell's id in the execute request's metadata (``cellId``),
which the second test sends the same way.
"""

import nbclient
import pytest
from jupyter_client.manager import start_new_kernel
from nbformat.v4 import new_code_cell, new_notebook

ANSWER = "def f(x):\n    return 2 * x\n"
BROKEN = "def f(x):\n    return 2 * x +\n"
CHECK = 'from grader import check\ncheck("q1", [{"expr": "f(2)", "equals": 4}])'


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "en")  # the kernel inherits it


def text_of(cell) -> str:
    return "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)


def test_nbclient_a_cell_broken_after_a_pass_gets_a_warning_not_a_tick():
    nb = new_notebook(cells=[new_code_cell(ANSWER), new_code_cell(CHECK), new_code_cell("x = 1")])
    client = nbclient.NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60)
    answer, test, other = nb.cells
    with client.setup_kernel():
        client.execute_cell(answer, 0)
        client.execute_cell(test, 1)
        assert "✅ q1: the check passed" in text_of(test)

        answer.source = BROKEN  # the student edits the answer and runs it: a SyntaxError
        client.execute_cell(answer, 0)
        assert answer.outputs[0]["ename"] == "SyntaxError"
        client.execute_cell(test, 1)
        warning = text_of(test)
        assert "✅" not in warning and "older version" in warning
        assert f"In [{answer.execution_count}] (SyntaxError)" in warning
        client.execute_cell(test, 1)  # running the check again does not make the test cell the culprit
        assert f"In [{answer.execution_count}] (SyntaxError)" in text_of(test)

        answer.source = ANSWER
        client.execute_cell(answer, 0)
        client.execute_cell(test, 1)
        assert "✅ q1: the check passed" in text_of(test)


class Lab:
    """A kernel driven the way JupyterLab drives it: every run names its cell."""

    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name="python3")
        self.count = {}

    def run(self, cell_id: str, code: str) -> str:
        content = {"code": code, "store_history": True, "allow_stdin": False, "stop_on_error": False}
        msg = self.kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
        self.kc.shell_channel.send(msg)
        reply = self.kc.get_shell_msg(timeout=60)
        assert reply["parent_header"]["msg_id"] == msg["header"]["msg_id"]
        self.count[cell_id] = reply["content"]["execution_count"]
        out = []
        while True:
            m = self.kc.get_iopub_msg(timeout=60)
            if m["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return "".join(out)
            out.append(m["content"].get("text", "") + m["content"].get("evalue", ""))

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture
def lab():
    lab = Lab()
    yield lab
    lab.close()


def test_jupyterlab_cell_ids_keep_the_warning_until_that_cell_is_fixed(lab):
    lab.run("answer", ANSWER)
    assert "✅" in lab.run("test", CHECK)
    lab.run("answer", BROKEN)
    lab.run("explore", "x = 1")  # a later clean run elsewhere does not hide the broken cell
    warning = lab.run("test", CHECK)
    assert "✅" not in warning and f"In [{lab.count['answer']}] (SyntaxError)" in warning
    lab.run("answer", ANSWER)
    assert "✅ q1: the check passed" in lab.run("test", CHECK)


def test_a_top_level_stub_says_unanswered_in_a_kernel(lab):
    lab.run("setup", "from grader import check")
    lab.run("answer", "# YOUR CODE HERE\nraise NotImplementedError()\nmodel = k * 2\n")
    text = lab.run("test", 'check("q5", [{"expr": "model", "equals": 6}])')
    assert "q5 is not answered yet" in text and "NameError" not in text
