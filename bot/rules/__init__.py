"""Eligibility rules: per-season rules as data (data/rules/<season>.toml) and the engine that checks them."""
