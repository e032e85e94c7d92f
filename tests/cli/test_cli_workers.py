"""--workers defaults to the CPUs the process may use, and writes the bytes one worker writes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from pairgen.config.merge import available_cpus


def checksums(out: Path) -> dict[str, str]:
    """sha256 of every shard, rejects file and the manifest, by path inside OUT."""
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.suffix in (".parquet", ".json")
    }


@pytest.mark.skipif(available_cpus() < 2, reason="the default is one worker on one CPU")
def test_default_workers_write_the_bytes_of_one_worker(gsm8k_file: Path, tmp_path: Path) -> None:
    pipeline = tmp_path / "p.yaml"  # small batches: several go through the pool
    pipeline.write_text(
        f"batch_rows: 7\nsources:\n  - {{source: gsm8k, data_files: {{train: {gsm8k_file}}}}}\n"
    )
    runs = {}
    for name, extra in (("one", ["--workers", "1"]), ("default", [])):
        out = tmp_path / name
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pairgen",
                "build",
                str(pipeline),
                "--out",
                str(out),
                "-q",
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        runs[name] = checksums(out)
    assert any(p.startswith("data/") for p in runs["one"])
    assert runs["default"] == runs["one"]
