"""Round over round: what changed since an earlier round, with honest uncertainty.

Pure logic only (DataFrames and arrays in, DataFrames out): `intervals` holds the maths of a
change in share, `priorities` the per-priority and per-group comparison and the codebook
differences, `themes` theme matching and id carry-over, `basis` what a round keeps for a later
one to compare against, `result` the object the sheet and the CSV are written from. Reading and
writing outputs is `consult.pipeline.stored` and `consult.pipeline.compare`. This package sits
above `consult.report` (it counts with `report.counts`); the report's sheet writer reads the
result by attribute and never imports it.
"""
