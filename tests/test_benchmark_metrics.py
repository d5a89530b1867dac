"""The partner-recall benchmark's metrics on hand-made rankings, so that the figures it prints (and
the acceptance verdict built on them) mean what docs/matching.md says they mean."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from partner_recall import (Task, bootstrap_ratio, metrics_from_ranks, paired_difference,  # noqa: E402
                            partner_reciprocal_ranks, reciprocal_ranks)

CANDIDATES = ["a", "b", "c", "d", "e"]
TASKS = [Task("BE", None, {"b", "d"}, CANDIDATES), Task("BE", None, {"e"}, CANDIDATES)]
RANKINGS = [["a", "b", "c", "d", "e"], ["e", "a", "b", "c", "d"]]


def test_mrr_counts_the_first_true_partner_of_each_query():
    assert reciprocal_ranks(RANKINGS, TASKS).tolist() == [0.5, 1.0]
    recall_at_2, mrr = metrics_from_ranks(RANKINGS, TASKS, k=2)
    assert (recall_at_2, mrr) == (pytest.approx((0.5 + 1.0) / 2), pytest.approx(0.75))


def test_the_per_partner_reading_counts_every_true_partner():
    assert partner_reciprocal_ranks(RANKINGS, TASKS).tolist() == [0.5, 0.25, 1.0]


def test_a_partner_that_is_not_ranked_counts_zero():
    cut = [["a", "b"], ["a"]]
    assert reciprocal_ranks(cut, TASKS).tolist() == [0.5, 0.0]
    assert partner_reciprocal_ranks(cut, TASKS).tolist() == [0.5, 0.0, 0.0]


def test_paired_difference_and_bootstrap_interval():
    better, worse = np.array([1.0, 0.5, 0.5, 1.0]), np.array([0.5, 0.5, 0.25, 0.5])
    mean, standard_error = paired_difference(better, worse)
    assert mean == pytest.approx(0.3125) and standard_error > 0
    low, high, share = bootstrap_ratio(better, worse, draws=2000)
    assert 1.0 <= low <= better.mean() / worse.mean() <= high
    # a draw of only the second query (0.5 against 0.5) gives 1.0: most draws reach 1.2, not all
    assert 0.9 < share < 1.0
    # the same ranking twice: the ratio is exactly 1 in every draw, so it never reaches 1.2
    assert bootstrap_ratio(worse, worse, draws=200) == (1.0, 1.0, 0.0)
