"""Tagging passages against the plan's strategic priorities (the codebook)."""
