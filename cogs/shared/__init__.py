"""Helpers shared by the cogs (not an extension)."""
