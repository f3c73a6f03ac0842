"""The one settings object. Settings are read here and nowhere else (DESIGN.md §5.7)."""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "JOBTRACKER_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name


class SignupMode(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SettingsError(Exception):
    """A setting has a bad value; the message is one line that names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    signup: SignupMode = SignupMode.OPEN
    base_url: str = "http://127.0.0.1:8000"

    access_token_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 15
    refresh_token_days: Annotated[int, Field(ge=1, le=365)] = 30
    session_days: Annotated[int, Field(ge=1, le=365)] = 14
    login_max_failures: Annotated[int, Field(ge=1)] = 5
    login_window_minutes: Annotated[int, Field(ge=1)] = 15
    max_json_body_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    sqlite_busy_timeout_ms: Annotated[int, Field(ge=0)] = 10_000
    secure_cookies: bool = False
    log_level: str = "INFO"
    log_requests: bool = True

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the driver spelled out (psycopg 3 for PostgreSQL)."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'jobtracker.db'}"
        if url.startswith("postgresql://"):
            return "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def signing_key(self) -> str:
        """The secret for tokens: given, or generated once into the data folder."""
        return self.secret_key or _read_or_create_secret(self.data_dir.resolve() / SECRET_KEY_FILE)


@lru_cache(maxsize=8)
def _read_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_settings(**overrides: object) -> Settings:
    """Read the environment; a bad value raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ENV_PREFIX + str(first["loc"][0]).upper() if first["loc"] else ENV_PREFIX
        raise SettingsError(f"{name}: {first['msg']}") from None


def prepare_data_dir(settings: Settings) -> None:
    """Create the data folder and its parts; touch the secret so it exists before any request."""
    for folder in (settings.data_dir, settings.files_dir, settings.outbox_dir):
        folder.mkdir(parents=True, exist_ok=True)
    _ = settings.signing_key
