"""Fixtures of the hostile review tests: a round whose workbook holds ten reviewer decisions."""

from tests.support.review_harness import _reviewed_once, reviewed  # noqa: F401  (fixtures)
