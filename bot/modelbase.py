"""The base of the answers' and facts' pydantic models: their validators are built at first use.

Pydantic builds a model's validator and serializer when its class is defined, a few milliseconds a model;
with some forty models that is a tenth of a second of every start, before the bot can connect. Deferred,
each model is built the first time one is made or dumped (once per process), so a start pays only for
what it uses, and the first answer of each kind pays a little for its own models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Deferred(BaseModel):
    """A pydantic model built at first use, not at import (`defer_build`)."""

    model_config = ConfigDict(defer_build=True)
