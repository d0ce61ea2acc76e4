"""Command-line tools of ptoc: thin shells over the library."""
