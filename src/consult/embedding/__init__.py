"""Vectors for passages: the bundled English model, multilingual-e5 mapped into its space, caching."""
