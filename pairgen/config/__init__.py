"""Settings of a build: typed specs, their checks and config hash, pipeline files, and the
source settings (column mapping, template, card metadata, field limit) every stage reads.

Import from the modules (``pairgen.config.spec``, ``pairgen.config.pipeline_file``,
``pairgen.config.source_settings``): this package module imports nothing (it holds only
:func:`option_name`), so reading one setting never loads the others.
"""


def option_name(setting: str) -> str:
    """How a setting is spelled as a command-line option: ``max_field_chars`` is
    ``--max-field-chars``; a trailing underscore (a Python keyword) is dropped, so
    ``from_`` is ``--from``.  The command line makes its options so
    (:func:`pairgen.cli.fields.field_options`) and the merge rules name them so in errors
    (:mod:`pairgen.config.merge`)."""
    return "--" + setting.rstrip("_").replace("_", "-")


__all__ = ["option_name"]
