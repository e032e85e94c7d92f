"""Edit statistics of chosen/rejected pairs, at character and token level."""

from pairgen.metrics.text import EditStats, edit_stats
from pairgen.metrics.tokens import load_tokenizer, token_stats

__all__ = ["EditStats", "edit_stats", "load_tokenizer", "token_stats"]
