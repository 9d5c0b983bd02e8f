"""Tandem's environment variables, typed: a bad value stops the server with a clear message."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class ConfigError(Exception):
    """An environment variable has a value Tandem cannot use."""


class Config(BaseSettings):
    """Every setting an admin may give, read from ``TANDEM_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", case_sensitive=False, extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("tandem", appauthor=False)),
        description="Where the SQLite database, the secret key and static files live.",
    )
    database_url: str | None = Field(
        default=None,
        description="postgresql://user:password@host:5432/name to use PostgreSQL "
        "instead of SQLite in the data directory.",
    )
    database_prepared_statements: bool = Field(
        default=True,
        description="PostgreSQL: prepare statements a connection runs often, so they are "
        "planned once. Set false behind a pooler that cannot keep them (PgBouncer before "
        "1.21, or later without max_prepared_statements, in transaction mode).",
    )
    secret_key: str | None = Field(
        default=None,
        min_length=50,
        description="Signs sessions. Unset: generated once and kept in the data directory. "
        "Set the same value on every app server that shares a database.",
    )
    debug: bool = Field(default=False, description="Django's debug pages; never in production.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default=["localhost", "127.0.0.1", "[::1]"],
        description="Host names the server answers to, comma-separated.",
    )
    https: bool = Field(
        default=False,
        description="Served over HTTPS (directly or behind a proxy that sets "
        "X-Forwarded-Proto): secure cookies, HSTS and redirects to https.",
    )
    sqlite_timeout: float = Field(
        default=20.0,
        gt=0,
        description="Seconds a write waits for another one to finish (SQLite busy timeout).",
    )
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    today: date | None = Field(
        default=None,
        description="Pretend today is this date (YYYY-MM-DD), for demos, training and "
        "browser tests: pages, `tandem serve --demo` and the commands' default as-of date use "
        "it. Unset: the real date.",
    )

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgres://", "postgresql://")):
            raise ValueError(
                "must start with postgresql:// (leave it unset to use SQLite in TANDEM_DATA_DIR)"
            )
        return value


def read_config() -> Config:
    try:
        return Config()
    except ValidationError as exc:
        problems = [
            f"TANDEM_{'_'.join(str(p) for p in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        ]
        raise ConfigError("bad environment variable\n  " + "\n  ".join(problems)) from None
