"""Text of a passage: its language, its words, their lemmas (shared by tagging and themes)."""
