"""The background import of BERTopic that a run embedding new texts starts."""

from __future__ import annotations

import sys

from consult.themes.fitting import import_in_background


def test_bertopic_is_imported_once_in_the_background():
    first = import_in_background()
    assert import_in_background() is first  # one thread per process, however often asked
    first.join(timeout=120)
    assert "bertopic" in sys.modules
