"""Publish sends only regular files inside OUT, and never while a build holds OUT."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hub_server import TEST_REPO, FakeHub

from pairgen.errors import PairgenError
from pairgen.hub.upload import publish
from pairgen.output.lock import output_lock
from pairgen.output.manifest import read_manifest

SECRET = b"secret outside the output folder\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside OUT with a file a publish must never read or send."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.png").write_bytes(SECRET)
    return folder


def link_plot(out: Path, outside: Path) -> None:
    (out / "plots" / "ned.png").unlink()
    (out / "plots" / "ned.png").symlink_to(outside / "secret.png")


def link_plots_folder(out: Path, outside: Path) -> None:
    shutil.rmtree(out / "plots")
    (out / "plots").symlink_to(outside, target_is_directory=True)


def link_shard(out: Path, outside: Path) -> None:
    shard = out / read_manifest(out).configs["gsm8k"].splits["train"].shards[0].path
    shutil.copy(shard, outside / shard.name)
    shard.unlink()
    shard.symlink_to(outside / shard.name)


def link_config_folder(out: Path, outside: Path) -> None:
    folder = out / "data" / "gsm8k"
    shutil.move(folder, outside / "gsm8k")
    folder.symlink_to(outside / "gsm8k", target_is_directory=True)


def link_card(out: Path, outside: Path) -> None:
    shutil.move(out / "README.md", outside / "README.md")
    (out / "README.md").symlink_to(outside / "README.md")


LINKS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "plot": (link_plot, "plots/ned.png: is a symlink"),
    "plots_folder": (link_plots_folder, "plots: is a symlink"),
    "shard": (link_shard, "data/gsm8k/train-00000-of-00001.parquet: is a symlink"),
    "config_folder": (link_config_folder, "data/gsm8k: is a symlink"),
    "card": (link_card, "README.md: is a symlink"),
}


@pytest.mark.parametrize("name", sorted(LINKS))
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "publish"])
def test_a_symlink_in_the_upload_is_refused_and_nothing_is_sent(
    name: str, dry_run: bool, hub: FakeHub, out: Path, outside: Path
) -> None:
    make_link, message = LINKS[name]
    make_link(out, outside)
    with pytest.raises(PairgenError, match=message) as caught:
        publish(out, TEST_REPO, dry_run=dry_run)
    assert "\n" not in str(caught.value)
    assert hub.writes() == [] and hub.commits == []
    assert not any(SECRET in request.body for request in hub.requests)


def test_a_plot_below_plots_is_not_uploaded(hub: FakeHub, out: Path) -> None:
    """Only PNGs directly in plots/ are the build's plots (what `pairgen stats` writes)."""
    (out / "plots" / "old").mkdir()
    (out / "plots" / "old" / "stray.png").write_bytes(b"\x89PNG stray")
    result = publish(out, TEST_REPO, dry_run=True)
    assert "plots/ned.png" in {f.path_in_repo for f in result.plan.upload}
    assert not any("stray" in f.path_in_repo for f in result.plan.upload)


def test_publish_waits_for_no_build_it_refuses_at_once(hub: FakeHub, out: Path) -> None:
    with output_lock(out, "build"), pytest.raises(PairgenError, match="another pairgen"):
        publish(out, TEST_REPO, dry_run=True)
    assert hub.requests == []
    assert publish(out, TEST_REPO, dry_run=True).plan.upload  # free again afterwards
