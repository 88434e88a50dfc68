"""Settings read from the environment or a `.env` file (see `.env.example`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdList = Annotated[list[int], NoDecode]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _id_list(value: object) -> object:
    """Accept `1,2,3` (as written in .env) as well as a JSON list."""
    if isinstance(value, str):
        return [int(part) for part in value.replace(" ", "").split(",") if part]
    if isinstance(value, int):
        return [value]
    return value


def _blank_is_none(value: object) -> object:
    """An empty line in .env (`SHARD_COUNT=`) means the setting is not set."""
    return None if isinstance(value, str) and not value.strip() else value


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: str | None = Field(default=None, description="Bot token from the developer portal")
    database_url: str = Field(
        default="",
        description="SQLAlchemy async URL; empty means SQLite at var/opencup.sqlite3",
    )
    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Folder of season facts")
    guild_ids: IdList = Field(default_factory=list, description="Guilds to sync commands to instantly")
    mod_guild_ids: IdList = Field(default_factory=list, description="Guilds where moderators may write")
    mod_role_ids: IdList = Field(default_factory=list, description="Roles that may write results")
    log_level: str = Field(default="INFO", description="Python logging level")
    # Several processes (README, "Running several processes").
    shard_count: int | None = Field(
        default=None, ge=1, description="Shards in all; empty: Discord's recommendation, all in this process"
    )
    shard_ids: IdList = Field(default_factory=list, description="The shards this process holds; empty: all")
    discord_api_base: str = Field(
        default="", description="REST calls' base, e.g. a proxy in front of Discord; empty: Discord's own"
    )
    discord_gateway_url: str = Field(
        default="", description="The gateway shards connect to when SHARD_COUNT is set; empty: Discord's own"
    )
    outbox_lease_seconds: float | None = Field(
        default=None, gt=0, description="A delivery claimed this long ago is taken again; empty: 60"
    )
    heartbeat_seconds: float = Field(
        default=5.0, gt=0, description="How often a running bot records itself in the store"
    )

    _blank = field_validator("shard_count", "outbox_lease_seconds", mode="before")(_blank_is_none)
    _split_ids = field_validator("guild_ids", "mod_guild_ids", "mod_role_ids", "shard_ids", mode="before")(
        _id_list
    )

    def holds_first_shard(self) -> bool:
        """Whether this process holds shard 0 (or every shard): the one that syncs the commands."""
        return not self.shard_ids or 0 in self.shard_ids

    def shard_problem(self) -> str | None:
        """Why SHARD_COUNT and SHARD_IDS cannot be run as they are, in one sentence; None when they can."""
        if not self.shard_ids:
            return None
        if self.shard_count is None:
            return "SHARD_IDS (--shards) is set but SHARD_COUNT (--of) is not: say how many shards there are."
        outside = sorted({shard for shard in self.shard_ids if not 0 <= shard < self.shard_count})
        if outside:
            listed = ", ".join(map(str, outside))
            last = self.shard_count - 1
            return (
                f"SHARD_IDS names shard {listed}, but SHARD_COUNT={self.shard_count} makes shards 0-{last}."
            )
        if len(set(self.shard_ids)) < self.shard_count and self.resolved_database_url().startswith("sqlite"):
            return (
                f"SHARD_IDS={','.join(map(str, self.shard_ids))} holds only some of the {self.shard_count} "
                "shards, and the store is SQLite, which one bot process alone may use: hold every shard "
                "(leave SHARD_IDS empty) or set DATABASE_URL to PostgreSQL to run several processes."
            )
        return None

    def resolved_database_url(self) -> str:
        """The database URL to use, defaulting to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        path = PROJECT_ROOT / "var" / "opencup.sqlite3"
        return f"sqlite+aiosqlite:///{path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
