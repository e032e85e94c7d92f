"""Edit statistics against a plain reference implementation (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pairgen.metrics import edit_stats
from pairgen.metrics.tokens import token_stats


def reference_levenshtein(a: str | list[int], b: str | list[int]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def reference_prefix(a: str | list[int], b: str | list[int]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def reference_suffix(a: str | list[int], b: str | list[int]) -> int:
    return reference_prefix(a[::-1], b[::-1])


texts = st.text(alphabet="ab12 .$,", max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, texts), max_size=8))
def test_char_stats_match_the_reference(pairs: list[tuple[str, str]]) -> None:
    chosen = [c for c, _ in pairs]
    rejected = [r for _, r in pairs]
    stats = edit_stats(chosen, rejected)
    for i, (c, r) in enumerate(pairs):
        distance = reference_levenshtein(c, r)
        assert stats.levenshtein[i] == distance
        longest = max(len(c), len(r))
        assert stats.norm_edit_distance[i] == (distance / longest if longest else 0.0)
        assert 0.0 <= stats.norm_edit_distance[i] <= 1.0
        assert stats.common_prefix[i] == reference_prefix(c, r)
        assert stats.common_suffix[i] == reference_suffix(c, r)
        assert (stats.chosen_len[i], stats.rejected_len[i]) == (len(c), len(r))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 5), max_size=20), st.lists(st.integers(0, 5), max_size=20)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_token_stats_match_the_reference(pairs: list[tuple[list[int], list[int]]]) -> None:
    class ListTokenizer:
        """Maps "1 2 3" to [1, 2, 3]: a real callable with the tokenizer interface used."""

        def __call__(
            self, texts: list[str], add_special_tokens: bool
        ) -> dict[str, list[list[int]]]:
            return {"input_ids": [[int(t) for t in text.split()] for text in texts]}

    chosen = [" ".join(map(str, c)) for c, _ in pairs]
    rejected = [" ".join(map(str, r)) for _, r in pairs]
    stats = token_stats(ListTokenizer(), chosen, rejected)
    for i, (c, r) in enumerate(pairs):
        assert stats.edits.levenshtein[i] == reference_levenshtein(c, r)
        if c == r:
            assert stats.first_diff[i] == -1 and stats.after_first_diff[i] == 0
        else:
            first = reference_prefix(c, r)
            assert stats.first_diff[i] == first
            assert stats.after_first_diff[i] == max(len(c) - first - 1, 0)
