"""Emerging themes: BERTopic over the passages, keywords, labels and quotes."""
