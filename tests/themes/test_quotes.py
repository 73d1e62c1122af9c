from __future__ import annotations

import numpy as np
import pytest

from consult.themes.quotes import representative


def _vecs(*rows: list[float]) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def test_most_central_rows_first():
    X = _vecs([1, 0], [0.9, 0.1], [0.7, 0.7], [1, 0.05], [0, 1])
    out = representative(X, {"g": [0, 1, 2, 3]}, k=2, dup_similarity=1.1)
    # centroid points near (0.9, 0.2): row 1 is closest, then row 3
    assert out["g"] == [1, 3]


def test_ties_broken_by_row_position_and_result_stable():
    X = _vecs([1, 0], [1, 0], [0, 1], [0, 1])
    out1 = representative(X, {1: [3, 2, 1, 0]}, k=4, dup_similarity=1.1)
    out2 = representative(X, {1: [0, 1, 2, 3]}, k=4, dup_similarity=1.1)
    assert out1 == out2 == {1: [0, 1, 2, 3]}


def test_near_duplicates_quoted_once():
    X = _vecs([1, 0], [1, 0.001], [0.8, 0.6], [0.6, 0.8])
    texts = [
        "Ports need faster customs.",
        "ports need FASTER customs!!",
        "Green bonds can fund rail links.",
        "Scholarships for students matter.",
    ]
    out = representative(X, {"t": [0, 1, 2, 3]}, k=3, texts=texts)
    assert out["t"] == [2, 1, 3]  # row 0 repeats row 1's words: quoted once


def test_identical_embeddings_skipped_without_texts():
    X = _vecs([1, 0], [1, 0], [0, 1])
    assert representative(X, {"a": [0, 1, 2]}, k=3) == {"a": [0, 2]}


def test_short_passages_only_when_longer_run_out():
    X = _vecs([1, 0], [0.8, 0.6])
    texts = ["Agree.", "We need a regional single window for customs clearance."]
    assert representative(X, {"a": [0, 1]}, k=2, texts=texts)["a"] == [1, 0]


def test_empty_group_and_zero_k():
    X = _vecs([1, 0])
    assert representative(X, {"a": [], "b": [0]}, k=0) == {"a": [], "b": []}
    assert representative(X, {"a": []}, k=3) == {"a": []}


def test_rows_outside_embeddings_are_refused():
    with pytest.raises(IndexError, match="row positions"):
        representative(_vecs([1, 0]), {"a": [0, 5]}, k=1)
