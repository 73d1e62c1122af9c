"""Where the checkout, its sample round and the shared data are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"
