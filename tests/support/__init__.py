"""Shared test helpers (fakes, fixture generators, hostile files); no test module imports another."""
