"""Seasons: the seed-format reader, the data/ files, and the consistency report."""
