"""The public API: every name in ``pairgen.__all__`` resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import pairgen


def test_all_names_resolve() -> None:
    for name in pairgen.__all__:
        assert getattr(pairgen, name) is not None, name


def test_api_written_once() -> None:
    """``__all__`` and ``dir()`` are the TYPE_CHECKING imports plus the version, nothing else."""
    assert set(pairgen.__all__) == {
        "__version__",
        *pairgen.lazy.type_checking_imports(pairgen.__file__),
    }
    assert dir(pairgen) == sorted(set(pairgen.__all__))
    assert "TYPE_CHECKING" not in dir(pairgen)


def fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing imported by this test run)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_import_is_light() -> None:
    """Importing pairgen imports none of the heavy libraries (the CLI's --help stays instant)."""
    code = (
        "import sys, pairgen; "
        "heavy = [m for m in ('torch', 'transformers', 'pyarrow', 'duckdb', 'datasets') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    assert fresh_python(code) == ""


def test_stage_imports_do_not_shadow_the_api() -> None:
    """``build``, ``publish`` and ``train`` stay functions after every stage folder loads."""
    code = (
        "import pairgen.pipeline.run, pairgen.hub.upload, pairgen.training.run\n"
        "import pairgen\n"
        "from pairgen import build, publish, train\n"
        "import types\n"
        "print(all(isinstance(f, types.FunctionType) for f in (build, publish, train, pairgen.build)))"
    )
    assert fresh_python(code) == "True"


def test_api_takes_str_paths(tmp_path) -> None:
    """Every step of a user's day accepts OUT as a plain string."""
    out = str(tmp_path / "out")
    pairgen.build(pairgen.BuildSpec(out=out, sources=(pairgen.SourceSpec(source="gsm8k"),)))
    assert pairgen.validate_output(out).ok
    assert pairgen.write_card(out).name == "README.md"
    assert pairgen.run_query(pairgen.open_catalog(out), "SELECT count(*) FROM pairs").num_rows == 1
