"""Reviewer decisions: the pure merge rules, the journal-backed store, reading edits back."""
