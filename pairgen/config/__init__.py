"""Settings of a build: typed specs, their checks and config hash, pipeline files, and the
source settings (column mapping, template, card metadata, field limit) every stage reads.

Import from the modules (``pairgen.config.spec``, ``pairgen.config.pipeline_file``,
``pairgen.config.source_settings``): this package module imports nothing, so reading one
setting never loads the others.
"""
