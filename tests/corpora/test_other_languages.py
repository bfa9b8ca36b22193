"""A failed run of a language the offline advisor does not read: one honest note per session, never a diagnosis.

The outputs are what javac 17, rustc and gcc printed for these files on this machine (recorded, so the test needs
no compilers); the Python failure after them is run for real.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.honest import HONEST
from livepair.context.store import ContextStore
from livepair.model import TerminalRun

JAVA = """public class Hello {
  public static void main(String[] a) {
    int n = "three";
  }
}
"""
JAVAC = """Hello.java:3: error: incompatible types: String cannot be converted to int
    int n = "three";
            ^
1 error
"""
RUSTC = """error[E0384]: cannot assign twice to immutable variable `x`
 --> main.rs:3:5
  |
2 |     let x = 1;
  |         - first assignment to `x`
3 |     x = 2;
  |     ^^^^^ cannot assign twice to immutable variable
"""
GCC = """main.c: In function 'main':
main.c:2:10: error: 'undefined_name' undeclared (first use in this function)
    2 |   return undefined_name;
"""


def _advisor(root: Path) -> OfflineBackend:
    store = ContextStore(lambda uri: None)
    store.root = root
    return OfflineBackend(store, Catalogue())


def test_another_language_gets_one_honest_note_on_the_compilers_line(tmp_path: Path) -> None:
    (tmp_path / "Hello.java").write_text(JAVA)
    (tmp_path / "main.rs").write_text("fn main() {\n    let x = 1;\n    x = 2;\n}\n")
    advisor = _advisor(tmp_path)

    said = advisor.advise_run(TerminalRun("javac Hello.java", JAVAC, 1, str(tmp_path)))
    assert said is not None and said.place is not None
    assert "Python, Node.js and the shell" in said.message and "Java" in said.message
    assert HONEST in said.message and "senior dev" in said.message  # an honest hint, not a diagnosis
    assert (said.place.path.name, said.place.line) == ("Hello.java", 3)

    again = advisor.advise_run(TerminalRun("cargo run", RUSTC, 101, str(tmp_path)))
    assert again is None, "said once per session, not at every failure"


def test_the_note_is_never_a_python_diagnosis(tmp_path: Path) -> None:
    (tmp_path / "main.c").write_text("int main(void) {\n  return undefined_name;\n}\n")
    said = _advisor(tmp_path).advise_run(TerminalRun("gcc main.c -o main", GCC, 1, str(tmp_path)))
    assert said is not None and "not C" in said.message and HONEST in said.message
    assert said.fix is None
    assert "NameError" not in said.message and "import" not in said.message


def test_python_after_another_language_is_still_advised(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path)
    assert advisor.advise_run(TerminalRun("rustc main.rs", RUSTC, 1, str(tmp_path))) is not None
    (tmp_path / "hello.py").write_text('message = "hi"\nprnt(message)\n')
    done = subprocess.run([sys.executable, "hello.py"], cwd=tmp_path, capture_output=True, text=True)
    found = advisor.advise_run(TerminalRun("python hello.py", done.stderr, done.returncode, str(tmp_path)))
    assert found is not None and "print" in found.message and HONEST not in found.message


def test_a_missing_compiler_is_the_shells_failure_not_another_language(tmp_path: Path) -> None:
    advisor = _advisor(tmp_path)
    missing = advisor.advise_run(TerminalRun("go run .", "bash: go: command not found\n", 127, str(tmp_path)))
    assert missing is None or "covers Python" not in missing.message
    (tmp_path / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Printn("hi") }\n')
    go = "# example\n./main.go:5:19: undefined: fmt.Printn\n"
    owed = advisor.advise_run(TerminalRun("go run .", go, 1, str(tmp_path)))  # the note is still owed to Go
    assert owed is not None and "not Go" in owed.message and owed.place is not None and owed.place.line == 5
