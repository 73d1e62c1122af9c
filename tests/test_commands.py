"""`consult check` goes through the run's parse cache: a check after a fix parses one file."""

from __future__ import annotations

import pytest

from consult.commands import check_round
from consult.config import ConsultConfig
from tests.support.rounds import FILES, copy_round


@pytest.mark.slow
def test_a_check_after_a_fix_parses_only_the_changed_file(tmp_path, monkeypatch):
    import consult.pipeline.ingest as pipeline_ingest

    monkeypatch.setenv("CONSULT_CACHE_DIR", str(tmp_path / "cache"))
    seen: list[str] = []
    real = pipeline_ingest.read_planned

    def spy(item, *a, **k):
        seen.append(item.rel)
        return real(item, *a, **k)

    monkeypatch.setattr(pipeline_ingest, "read_planned", spy)
    raw = copy_round(tmp_path)
    first, ok = check_round("r1", str(raw), ConsultConfig())
    assert ok and sorted(seen) == sorted(FILES)
    seen.clear()
    notes = raw / "r1" / FILES[1]
    notes.write_text(notes.read_text() + "\n- Run more ferries between the islands, daily.\n")
    again, ok = check_round("r1", str(raw), ConsultConfig())
    assert ok and seen == [FILES[1]]
    assert again != first  # the fixed file's new passage is counted
