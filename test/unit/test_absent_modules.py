"""Stand-ins for modules a kernel file imports that are not installed
(`ptoc.frontend.absent`)."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from ptoc.frontend.absent import AbsentModule, AbsentModuleError, AbsentName, absent_modules
from ptoc.frontend.errors import FrontendError
from ptoc.frontend.loader import load_file

MISSING = "ptoc_test_not_installed_module"


def _kernel(tmp_path: Path, top: str) -> str:
    path = tmp_path / "kern.py"
    path.write_text(textwrap.dedent(top))
    return str(path)


def test_names_stand_in_and_are_removed_after(tmp_path: Path) -> None:
    before = list(sys.meta_path)
    f = _kernel(tmp_path, f"""
        import {MISSING} as h
        from {MISSING}.sub import Spec
        KEEP = [h.float32, Spec, h.a.b[3]]
        """)
    loaded = load_file(f)
    keep = loaded.globals["KEEP"]
    assert [repr(k) for k in keep] == [f"{MISSING}.float32", f"{MISSING}.sub.Spec",
                                       f"{MISSING}.a.b[...]"]
    assert all(isinstance(k, AbsentName) and k.module.startswith(MISSING) for k in keep)
    assert isinstance(loaded.globals["h"], AbsentModule)
    assert sys.meta_path == before
    assert not any(n.startswith(MISSING) for n in sys.modules)


@pytest.mark.parametrize("use", ["h.f()", "h.N + 1", "bool(h.flag)", "list(h.rows)",
                                 "int(h.N)", "class C(h.Base): pass", "h.x < 2"])
def test_using_a_name_is_a_located_error(tmp_path: Path, use: str) -> None:
    f = _kernel(tmp_path, f"import {MISSING} as h\n\n{use}\n")
    with pytest.raises(FrontendError) as e:
        load_file(f)
    assert (e.value.line, e.value.message.split(":")[0]) == (
        3, "the module's top-level code raised AbsentModuleError")
    assert f"No module named '{MISSING}'" in e.value.message


def test_an_import_inside_try_keeps_its_fallback(tmp_path: Path) -> None:
    f = _kernel(tmp_path, f"""
        try:
            import {MISSING}
            HAVE = True
        except ImportError:
            HAVE = False
        try:
            from {MISSING} import x
        except (ValueError, ModuleNotFoundError):
            X = None
        """)
    g = load_file(f).globals
    assert g["HAVE"] is False and g["X"] is None


def test_a_try_that_does_not_catch_the_failure_does_not_count(tmp_path: Path) -> None:
    f = _kernel(tmp_path, f"""
        try:
            import {MISSING} as h
        except KeyError:
            pass
        finally:
            DONE = True
        """)
    g = load_file(f).globals
    assert isinstance(g["h"], AbsentModule) and g["DONE"]


def test_imports_from_other_files_still_fail(tmp_path: Path) -> None:
    with absent_modules(str(tmp_path)) as made:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(MISSING)
    assert made == []


def test_an_absent_name_cannot_be_set_or_called() -> None:
    n = AbsentName("m.x", "m")
    with pytest.raises(AbsentModuleError):
        n.y = 1
    with pytest.raises(AbsentModuleError, match="m.x is used here"):
        n(1, k=2)
    assert repr(n.y[0].z) == "m.x.y[...].z"
