"""Textual similarity of titles, for the overlap and conflict rules.

Titles become TF-IDF vectors over words (English stop words removed, sublinear term
frequency, L2-normalised), so a shared rare word ("latency", "EMEA") counts for much more
than a shared common one ("improve"). The cosine of two vectors is their similarity, 0..1.
All pairs above a threshold come from sparse matrix products taken in blocks of rows: the cost
follows the number of word matches, not the square of the number of titles, and memory stays
bounded by one block.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

BLOCK_ROWS = 2048


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        strip_accents="unicode",
        token_pattern=r"(?u)\b[^\W_][\w-]*\b",  # noqa: S106 - a regex, not a secret
        dtype=np.float64,
    )


def vectorize(texts: Sequence[str]) -> Any:
    """TF-IDF rows for ``texts``; None when no text has a meaningful word."""
    if not texts:
        return None
    try:
        return _vectorizer().fit_transform(texts)
    except ValueError:  # only stop words and punctuation
        return None


def similar_pairs(
    left: Any, right: Any, threshold: float, *, same: bool
) -> Iterator[tuple[int, int, float]]:
    """``(i, j, similarity)`` for every row i of ``left`` and j of ``right`` above ``threshold``.

    With ``same`` (``right`` is ``left``), each unordered pair comes once, with ``i < j``.
    """
    if left is None or right is None or left.shape[0] == 0 or right.shape[0] == 0:
        return
    right_t = right.T.tocsr()
    for start in range(0, left.shape[0], BLOCK_ROWS):
        block = (left[start : start + BLOCK_ROWS] @ right_t).tocoo()
        keep = block.data > threshold
        rows = block.row[keep] + start
        cols = block.col[keep]
        values = block.data[keep]
        for i, j, value in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
            if not same or i < j:
                yield i, j, min(value, 1.0)


def similar_rows(
    vectors: Any, left: Sequence[int], right: Sequence[int], threshold: float, *, same: bool
) -> Iterator[tuple[int, int, float]]:
    """:func:`similar_pairs` between two subsets of the rows of ``vectors``, by row index.

    Comparing only the subsets that can pair up (objectives of overlapping cycles, key results
    of one unit) keeps the products small; ``same`` says the two subsets are one.
    """
    if vectors is None or not left or not right:
        return
    left_rows = vectors[list(left)]
    right_rows = left_rows if same else vectors[list(right)]
    for i, j, similarity in similar_pairs(left_rows, right_rows, threshold, same=same):
        yield left[i], right[j], similarity
