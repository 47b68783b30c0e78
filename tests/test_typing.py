"""The library's type annotations, checked by mypy (pinned in the test extra), as a user's editor would.

Two runs in one: the library itself (pyproject.toml's [tool.mypy]), and a
user's program under ``--strict``, which also fails on any call to a public
function without annotations, and must catch the mistakes planted in it.
"""

import subprocess
import sys
import textwrap

from sitebuild import ROOT

USER_PROGRAM = textwrap.dedent(
    """
    from gradbook import MLP, Value, draw_dot, gradcheck, trace
    from gradbook.check import numeric_grads
    from gradbook.data import make_moons

    a = Value(2.0, label="a")
    b: Value = (a * 3 + 1.5) / a - 2 ** a
    c: Value = b.tanh().relu().exp().log().sigmoid() ** 2
    c.backward()
    g: float = a.grad + c.data
    model = MLP(2, [4, 1])
    X, y = make_moons(10)
    score = model([1.0, a])
    params: list[Value] = model.parameters()
    model.zero_grad()
    ok: bool = gradcheck(lambda v: v[0] * v[1], [2.0, 3.0]).ok
    slopes: list[float] = numeric_grads(lambda x: x[0] ** 2, [3.0])
    nodes, edges = trace(c)
    source: str = draw_dot(c).source

    bad_label: int = a.label + 1  # PLANTED: label is Any, so this one is allowed
    wrong: str = a.data  # PLANTED-1: data is a float
    a + "1"  # PLANTED-2: not an operand
    gradcheck(lambda v: v[0], 3.0)  # PLANTED-3: inputs must be an iterable of floats
    """
)


def mypy(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "mypy", *args], capture_output=True, text=True, cwd=cwd)


def test_the_library_type_checks():
    proc = mypy()  # files and options from pyproject.toml
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found in" in proc.stdout


def test_a_users_program_type_checks_strictly_and_its_mistakes_are_caught(tmp_path):
    program = tmp_path / "user.py"
    program.write_text(USER_PROGRAM, "utf8")
    proc = mypy("--strict", "--config-file", str(ROOT / "pyproject.toml"), str(program))
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    lines = USER_PROGRAM.splitlines()
    flagged = sorted(lines[int(e.split(":")[1]) - 1].split("# ")[-1] for e in errors)
    # Only the planted mistakes: no "call to untyped function", no error in the correct lines.
    assert flagged == [
        "PLANTED-1: data is a float",
        "PLANTED-2: not an operand",
        "PLANTED-3: inputs must be an iterable of floats",
    ], proc.stdout
