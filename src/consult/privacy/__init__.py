"""Personal data: pseudonyms, redaction patterns and the lexicons behind them."""
