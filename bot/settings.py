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

    _split_ids = field_validator("guild_ids", "mod_guild_ids", "mod_role_ids", mode="before")(_id_list)

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
