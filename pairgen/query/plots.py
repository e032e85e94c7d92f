"""PNG plots of a build (``pairgen stats``): one figure per question, one panel per source.

Sources live on very different scales (an arithmetic edit changes ~1% of a solution, a
wrong ARC choice most of a short answer), so each source gets its own panel and x range
rather than one shared axis where the arithmetic sources collapse into the first bin.
matplotlib is imported lazily with the Agg backend: no display is needed, and commands
that never plot do not pay for the import.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from pairgen.errors import PairgenError
from pairgen.output.files import write_bytes_atomically

# One row per pair: the three quantities the plots show, each in tokens when the build
# has token statistics and in characters otherwise (``unit`` says which).
PLOT_SQL = """
SELECT source,
       norm_edit_distance AS ned,
       coalesce(tokens_after_first_diff,
                greatest(chosen_chars - common_prefix_chars - 1, 0)) AS after,
       coalesce(first_diff_token / nullif(chosen_tokens, 0),
                common_prefix_chars / nullif(chosen_chars, 0)) AS position,
       CASE WHEN tokens_after_first_diff IS NULL THEN 'characters' ELSE 'tokens' END AS unit
FROM pairs
"""


@dataclass(frozen=True, slots=True)
class SourceData:
    ned: NDArray[np.float64]
    after: NDArray[np.float64]
    position: NDArray[np.float64]
    unit: str


def load_plot_data(con: duckdb.DuckDBPyConnection) -> dict[str, SourceData]:
    """The plotted columns per source, from the ``pairs`` view."""
    table = con.sql(PLOT_SQL).to_arrow_table()
    sources = np.asarray(table.column("source").to_numpy(zero_copy_only=False))
    units = np.asarray(table.column("unit").to_numpy(zero_copy_only=False))
    columns = {
        name: np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)
        for name in ("ned", "after", "position")
    }
    data = {}
    for source in sorted(set(sources.tolist())):
        rows = sources == source
        unit = "tokens" if (units[rows] == "tokens").all() else "characters"
        data[source] = SourceData(
            columns["ned"][rows], columns["after"][rows], columns["position"][rows], unit
        )
    return data


def _panels(
    data: dict[str, SourceData],
    path: Path,
    title: str,
    values: Callable[[SourceData], NDArray[np.float64]],
    xlabel: Callable[[SourceData], str],
    bins: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> Path:
    """One histogram panel per source, with its count and median, saved as ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    count = max(len(data), 1)
    columns = min(count, 2)
    rows = (count + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(6.0 * columns, 3.4 * rows), squeeze=False)
    for ax, (source, source_data) in zip(axes.flat, data.items(), strict=False):
        shown = values(source_data)
        shown = shown[np.isfinite(shown)]
        if shown.size:
            edges = bins(shown)
            tail = int((shown > edges[-1]).sum())
            clipped = np.minimum(shown, edges[-1])
            ax.hist(clipped, bins=edges, color="#3b75af", edgecolor="white", linewidth=0.4)
            if tail:
                ax.annotate(
                    f"{tail:,} above {edges[-1]:g}\nin the last bin",
                    xy=(0.98, 0.6),
                    xycoords="axes fraction",
                    ha="right",
                    fontsize=8,
                    color="#555555",
                )
            median = float(np.median(shown))
            ax.axvline(
                median, color="#d1495b", linestyle="--", linewidth=1.2, label=f"median {median:.3g}"
            )
            ax.legend(loc="upper right", fontsize=8, frameon=False)
        ax.set_title(f"{source} ({shown.size:,} pairs)", fontsize=10)
        ax.set_xlabel(xlabel(source_data), fontsize=9)
        ax.set_ylabel("pairs", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(data) :]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    if path.parent.exists() and not path.parent.is_dir():
        plt.close(fig)
        raise PairgenError("the plots path exists and is not a directory", file=str(path.parent))
    path.parent.mkdir(parents=True, exist_ok=True)
    image = io.BytesIO()
    fig.savefig(image, dpi=110, format="png")
    plt.close(fig)
    write_bytes_atomically(path, image.getvalue())  # a full disk leaves no 0-byte plot
    return path


def _range_bins(values: NDArray[np.float64], count: int = 40) -> NDArray[np.float64]:
    high = float(values.max()) if values.size else 1.0
    return np.linspace(0.0, high if high > 0 else 1.0, count + 1)


def _integer_bins(values: NDArray[np.float64], count: int = 40) -> NDArray[np.float64]:
    """Bins of whole units up to the 99.5th percentile; :func:`_panels` folds the long tail
    into the last bin (and says so) instead of stretching the axis for a few pairs."""
    high = max(float(np.percentile(values, 99.5)), 1.0)
    step = max(1.0, float(np.ceil(high / count)))
    return np.arange(0.0, high + step, step)


def write_plots(con: duckdb.DuckDBPyConnection, directory: Path) -> list[Path]:
    """Edit-distance, shared-suffix and first-difference plots; returns the PNG paths."""
    data = load_plot_data(con)
    specs: list[tuple[str, str, Callable[[SourceData], Any], Callable[[SourceData], str], Any]] = [
        (
            "edit_distance.png",
            "Normalized edit distance (levenshtein / longer completion)",
            lambda d: d.ned,
            lambda d: "normalized edit distance",
            _range_bins,
        ),
        (
            "shared_suffix.png",
            "Shared suffix: chosen completion after the first difference",
            lambda d: d.after,
            lambda d: f"{d.unit} after the first difference",
            _integer_bins,
        ),
        (
            "first_diff_position.png",
            "Where the edit starts (relative position in the chosen completion)",
            lambda d: d.position,
            lambda d: f"first difference / chosen length ({d.unit})",
            lambda v: np.linspace(0.0, 1.0, 21),
        ),
    ]
    return [
        _panels(data, directory / name, title, values, xlabel, bins)
        for name, title, values, xlabel, bins in specs
    ]


__all__ = ["PLOT_SQL", "load_plot_data", "write_plots"]
