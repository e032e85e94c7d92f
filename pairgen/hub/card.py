"""Dataset cards: the ``README.md`` that makes a build loadable and documented on the Hub.

The YAML header is what ``datasets.load_dataset(OUT)`` and the Hub read: one ``configs``
entry per output config with a ``data_files`` glob per split (so no ``data_files``
argument is ever needed), and ``dataset_info`` built with ``datasets``' own
:class:`~datasets.DatasetInfo`, so the YAML has exactly the shape the Hub writes itself.
``num_bytes`` is the uncompressed size from the Parquet footers (no data is read) and
``download_size`` the shard files' size.  The body is a Jinja template from the repo's
``templates/`` folder (``single.md`` for one source, ``combined.md`` for several), filled from
the manifest, the statistics the shards give back and the plots ``pairgen stats`` wrote.

The header is produced with huggingface_hub's :class:`DatasetCardData` and the result is
parsed back with :class:`DatasetCard` before it is checked (:mod:`pairgen.hub.card_check`)
and written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pyarrow.parquet as pq
from huggingface_hub import DatasetCard, DatasetCardData

from pairgen.errors import PairgenError
from pairgen.hub.card_context import (
    SIZE_CATEGORIES,
    entry_source,
    loadable_splits,
    pretty_name,
    template_context,
)
from pairgen.output.files import listed_file, write_text_atomically
from pairgen.output.manifest import CARD_NAME, Manifest, read_manifest, shard_glob
from pairgen.output.owned import record_written
from pairgen.sources import Source

COMBINED_TEMPLATE = "combined.md"
SINGLE_TEMPLATE = "single.md"  # one source without a template of its own
OTHER_LICENSE = "other"  # the Hub's id for a license it does not list
TEMPLATES_ENV = "PAIRGEN_CARD_TEMPLATES"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"
TASK_CATEGORIES = ["text-generation"]
BASE_TAGS = ["dpo", "preference", "minimal-pairs", "synthetic", "pairgen"]
SOURCE_TAGS = {
    "gsm8k": ["math"],
    "metamath": ["math"],
    "arc": ["multiple-choice"],
    "hellaswag": ["multiple-choice"],
}


@dataclass(frozen=True, slots=True)
class RenderedCard:
    """A rendered card: its text, and the template it came from (for messages)."""

    text: str
    template: Path


def find_templates(override: Path | None = None) -> Path:
    """The templates folder: ``--templates``, ``$PAIRGEN_CARD_TEMPLATES``, or ``templates/``.

    The default ships inside the package (``pairgen/hub/templates/``), so a wheel
    install writes cards too; the override is for a house style.
    """
    env = os.environ.get(TEMPLATES_ENV)
    candidate = override or (Path(env) if env else DEFAULT_TEMPLATES)
    if not (candidate / "_base.md").is_file():
        raise PairgenError(
            "card templates not found (expected _base.md there); pass --templates DIR "
            f"or set {TEMPLATES_ENV} to pairgen's publish/templates/ folder",
            file=str(candidate),
        )
    return candidate


def size_category(rows: int) -> str:
    for bound, name in SIZE_CATEGORIES:
        if rows < bound:
            return name
    return "n>1T"


def dataset_infos(out: Path, manifest: Manifest) -> dict[str, Any]:
    """``DatasetInfo`` per output config, from the shards' footers (features, sizes) and counts."""
    from datasets import DatasetInfo, Features, SplitDict, SplitInfo

    infos: dict[str, Any] = {}
    for config, split_names in loadable_splits(manifest).items():
        entry = manifest.configs[config]
        splits = SplitDict()
        features = None
        download_size = 0
        for split in split_names:
            info = entry.splits[split]
            num_bytes = 0
            for shard in info.shards:
                footer = pq.read_metadata(listed_file(out, shard.path))
                num_bytes += sum(
                    footer.row_group(i).total_byte_size for i in range(footer.num_row_groups)
                )
                download_size += shard.bytes
                if features is None:
                    features = Features.from_arrow_schema(footer.schema.to_arrow_schema())
            splits.add(SplitInfo(name=split, num_bytes=num_bytes, num_examples=info.pairs))
        infos[config] = DatasetInfo(
            config_name=config,
            features=features,
            splits=splits,
            download_size=download_size,
            dataset_size=sum(s.num_bytes for s in splits.values()),
        )
    return infos


def card_metadata(out: Path, manifest: Manifest) -> DatasetCardData:
    """The YAML header of the card.

    Only what is known goes in: ``source_datasets`` lists the Hub ids the sources have
    (a user's dataset without ``--hub-id`` has none), and a license the Hub does not list
    (``other``) comes with the ``license_name`` and ``license_link`` the Hub asks for
    (:func:`license_fields`).  With several configs the first is ``default: true``, so
    ``load_dataset(repo)`` loads it instead of failing with "Config name is missing".
    """
    sources = [entry_source(entry) for entry in manifest.configs.values()]
    licenses = list(dict.fromkeys(s.license for s in sources))
    declared = loadable_splits(manifest)
    configs = [
        {
            "config_name": config,
            **({"default": True} if len(declared) > 1 and index == 0 else {}),
            "data_files": [{"split": split, "path": shard_glob(config, split)} for split in splits],
        }
        for index, (config, splits) in enumerate(declared.items())
    ]
    infos = [
        {
            "config_name": config,
            **{k: v for k, v in info._to_yaml_dict().items() if k != "config_name"},
        }
        for config, info in dataset_infos(out, manifest).items()
    ]
    tags = BASE_TAGS + [t for s in sources for t in SOURCE_TAGS.get(s.name, [])]
    hub_ids = list(dict.fromkeys(s.hub_repo for s in sources if s.hub_repo))
    return DatasetCardData(
        language=["en"],
        license=licenses[0] if len(licenses) == 1 else licenses,
        **license_fields(sources),  # type: ignore[arg-type]  # str values, as the Hub wants
        size_categories=[size_category(manifest.total_pairs)],
        source_datasets=hub_ids or None,
        task_categories=TASK_CATEGORIES,
        tags=list(dict.fromkeys(tags)),
        pretty_name=pretty_name(manifest),
        configs=configs,
        dataset_info=infos[0] if len(infos) == 1 else infos,
    )


def license_fields(sources: list[Source]) -> dict[str, str]:
    """``license_name`` and ``license_link`` for a source whose license is ``other`` (one
    the Hub does not list): a name made from the dataset's, and its Hub page, where its
    terms are, or else this card (whose Licenses section names the dataset)."""
    other = next((s for s in sources if s.license == OTHER_LICENSE), None)
    if other is None:
        return {}
    slug = "-".join(re.findall(r"[a-z0-9]+", other.pretty_name.lower())) or other.name
    link = f"https://huggingface.co/datasets/{other.hub_repo}" if other.hub_repo else CARD_NAME
    return {"license_name": f"{slug}-license", "license_link": link}


def template_name(manifest: Manifest, folder: Path) -> str:
    """The template a build's card is rendered from, in ``folder``: ``<source>.md`` when
    every config comes from one source and the folder has one (a house style may), else
    ``single.md`` for one source, ``combined.md`` for several (or when those are absent)."""
    names = {entry.source for entry in manifest.configs.values()}
    candidates = [f"{next(iter(names))}.md", SINGLE_TEMPLATE] if len(names) == 1 else []
    return next((n for n in candidates if (folder / n).is_file()), COMBINED_TEMPLATE)


def render_card(
    out: Path,
    manifest: Manifest | None = None,
    *,
    templates: Path | None = None,
    repo_id: str | None = None,
) -> RenderedCard:
    """Render the card of a build output (nothing is written)."""
    manifest = manifest if manifest is not None else read_manifest(out)
    folder = find_templates(templates)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    name = template_name(manifest, folder)
    try:
        template = environment.get_template(name)
        text = template.render(
            card_data=card_metadata(out, manifest).to_yaml(),
            **template_context(out, manifest, repo_id),
        )
    except jinja2.TemplateNotFound as exc:
        raise PairgenError(f"card template {exc.name!r} not found", file=str(folder)) from exc
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or str(folder / name)
        raise PairgenError(
            f"card template error: {exc}", file=where, row=getattr(exc, "lineno", None)
        ) from exc
    # Round-trip through DatasetCard: the header is re-dumped the way the Hub library writes it.
    return RenderedCard(text=str(DatasetCard(text)), template=folder / name)


def write_card(
    out: str | Path, *, templates: str | Path | None = None, repo_id: str | None = None
) -> Path:
    """Render, check and write ``OUT/README.md`` (atomically); raise if the card is not valid."""
    out = Path(out)
    templates = None if templates is None else Path(templates)
    from pairgen.hub.card_check import check_card

    manifest = read_manifest(out)
    card = render_card(out, manifest, templates=templates, repo_id=repo_id)
    problems = check_card(out, card.text, manifest)
    if problems:
        raise PairgenError(
            "the rendered card is not valid: " + "; ".join(problems), file=str(card.template)
        )
    path = out / CARD_NAME
    write_text_atomically(path, card.text)  # a full disk leaves no partial card behind
    record_written(out, [path])  # pairgen's card: a rebuild may replace it
    return path


__all__ = [
    "BASE_TAGS",
    "COMBINED_TEMPLATE",
    "DEFAULT_TEMPLATES",
    "OTHER_LICENSE",
    "SINGLE_TEMPLATE",
    "SOURCE_TAGS",
    "TASK_CATEGORIES",
    "TEMPLATES_ENV",
    "RenderedCard",
    "card_metadata",
    "dataset_infos",
    "find_templates",
    "license_fields",
    "render_card",
    "size_category",
    "template_name",
    "write_card",
]
