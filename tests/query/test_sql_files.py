"""``query --file``: ready queries by name, and bounded reads of the user's files."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from pairgen.errors import PairgenError
from pairgen.query.sql_files import QUERY_FILE_MAX_BYTES, read_sql_file, ready_queries

SHIPPED = Path(__file__).resolve().parents[2] / "pairgen" / "query" / "sql"


def test_every_shipped_file_is_a_ready_query() -> None:
    assert sorted(ready_queries()) == sorted(p.stem for p in SHIPPED.glob("*.sql"))


@pytest.mark.parametrize("name", ["reject_reasons", "reject_reasons.sql"])
def test_a_ready_query_is_found_by_name_from_anywhere(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = (SHIPPED / "reject_reasons.sql").read_text(encoding="utf-8")
    assert read_sql_file(Path(name)) == expected


def test_an_existing_file_wins_over_a_ready_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("reject_reasons.sql").write_text("SELECT 42", encoding="utf-8")
    assert read_sql_file(Path("reject_reasons.sql")) == "SELECT 42"


def test_an_unknown_name_lists_the_ready_queries(tmp_path: Path) -> None:
    with pytest.raises(PairgenError, match=r"not found \(ready queries: edit_distance_histogram"):
        read_sql_file(tmp_path / "nope.sql")
    with pytest.raises(PairgenError, match="not found"):
        read_sql_file(Path("sub/reject_reasons.sql"))  # a path, not a bare name


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_without_reading(device: str) -> None:
    with pytest.raises(PairgenError, match="not a regular file"):
        read_sql_file(Path(device))


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "q.sql"
    os.mkfifo(fifo)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            read_sql_file(fifo)
        except PairgenError as exc:
            errors.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=30)
    if reader.is_alive():  # unblock the thread before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("opening the FIFO blocked")
    assert len(errors) == 1 and "not a regular file" in str(errors[0])


def test_a_directory_and_a_file_over_the_cap_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PairgenError, match="not a regular file"):
        read_sql_file(tmp_path)
    big = tmp_path / "big.sql"
    with big.open("wb") as handle:
        handle.truncate(QUERY_FILE_MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(PairgenError, match="larger than 1,048,576 bytes"):
        read_sql_file(big)
    exact = tmp_path / "exact.sql"
    exact.write_bytes(b" " * QUERY_FILE_MAX_BYTES)
    assert len(read_sql_file(exact)) == QUERY_FILE_MAX_BYTES


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_bytes(b"SELECT '\xff'")
    with pytest.raises(PairgenError, match="not UTF-8 text: invalid start byte at byte 8"):
        read_sql_file(bad)
