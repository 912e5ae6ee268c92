"""docs/PYTHON.md's session is run as written: every `>>>` line of it, in a folder holding a copy
of sample/, must print what the page says it prints (doctest), so the page cannot drift from the
package."""
import doctest
import os
import shutil

from conftest import ROOT, SAMPLE


def test_python_doc_session_prints_what_it_says(tmp_path, monkeypatch):
    shutil.copytree(SAMPLE, tmp_path / "sample")
    monkeypatch.chdir(tmp_path)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    failed, attempted = doctest.testfile(str(ROOT / "docs" / "PYTHON.md"), module_relative=False,
                                         optionflags=flags, report=True, verbose=False)
    assert attempted >= 20
    assert failed == 0
    assert os.path.isdir(tmp_path / "demo-ix")
