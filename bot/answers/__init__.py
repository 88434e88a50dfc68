"""Answer functions: one per command, returning typed answers for the renderers."""
