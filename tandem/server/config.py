"""Tandem's environment variables, typed: a bad value stops the server with a clear message."""

from __future__ import annotations

import zoneinfo
from datetime import date
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, ValidationError, ValidationInfo, field_validator
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
    proxy_count: int = Field(
        default=0,
        ge=0,
        le=10,
        description="How many reverse proxies or load balancers in front of Tandem add the "
        "client's address to X-Forwarded-For: the client is the address that many entries from "
        "the end. 0: the address of the connection itself.",
    )
    login_failure_limit: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins for one id from one address before sign-in is paused for "
        "that id from that address.",
    )
    login_cooloff_minutes: int = Field(
        default=15,
        ge=1,
        description="How long a paused sign-in, or an address refused for bad API tokens, "
        "waits; every further failure during the wait starts it again.",
    )
    api_token_failure_limit: int = Field(
        default=20,
        ge=1,
        description="API requests with an unknown, revoked or expired token from one address "
        "before such requests from it are answered 429 (valid tokens always work).",
    )
    session_idle_minutes: int = Field(
        default=480,
        ge=5,
        description="A signed-in browser session ends after this many minutes without a request.",
    )
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    queue: str = Field(
        default="database",
        description="Where background jobs wait: 'database' (the database in use: SQLite, or "
        "PostgreSQL with TANDEM_DATABASE_URL) or a redis://host:6379/0 URL.",
    )
    queue_embedded: bool = Field(
        default=True,
        description="`tandem serve` runs a worker and the scheduler itself. Set false when "
        "`tandem worker` runs apart (on this machine or others).",
    )
    queue_workers: int = Field(
        default=2, ge=1, le=64, description="Processes that run jobs in each worker."
    )
    queue_timeout: int = Field(
        default=300, ge=1, description="Seconds a job may run before its worker is stopped."
    )
    queue_retry: int = Field(
        default=360,
        ge=2,
        description="Seconds after which a job taken by a worker that vanished (killed, "
        "machine lost) is handed to another; must be more than TANDEM_QUEUE_TIMEOUT.",
    )
    queue_tick_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How often each worker's scheduler looks for periodic jobs due.",
    )
    queue_heartbeat_seconds: int = Field(
        default=300,
        ge=1,
        description="The period of the heartbeat job (the admin's Job runs show its slots).",
    )
    time_zone: str = Field(
        default="UTC",
        max_length=64,
        description="The organisation's time zone (an IANA name such as Europe/Paris) until an "
        "admin sets one on the notification defaults page: quiet hours and reminders of people "
        "who chose no time zone of their own follow it.",
    )
    notify_due_soon_days: int = Field(
        default=3,
        ge=0,
        description="Days before a request for help is due when its provider team is reminded "
        "of it (once per due date; 0: on the day itself).",
    )
    notify_escalate_days: int = Field(
        default=5,
        ge=1,
        description="Days a request may wait for an answer before it is escalated to the "
        "provider team's lead; twice as many, to the lead's manager.",
    )
    notify_cycle_start_days: int = Field(
        default=7,
        ge=1,
        description="Days before a cycle starts when the lead of a team without objectives "
        "in it is told.",
    )
    notify_risk_sweep_seconds: int = Field(
        default=300,
        ge=10,
        description="How often the risk alerts compare every key result's health with what "
        "its people were last told (besides after each committed change).",
    )
    notify_risk_on_change: bool = Field(
        default=True,
        description="Queue a risk-alert sweep after each committed change to the plan, "
        "check-ins and requests (false: the periodic sweep alone).",
    )
    email_host: str | None = Field(
        default=None,
        description="The SMTP server e-mails go through. Unset: Tandem sends no e-mail.",
    )
    email_port: int = Field(default=587, ge=1, le=65535, description="The SMTP server's port.")
    email_user: str = Field(default="", description="The SMTP user name (empty: none).")
    email_password: str = Field(default="", description="The SMTP password (empty: none).")
    email_use_tls: bool = Field(
        default=True, description="STARTTLS after connecting (port 587, most servers)."
    )
    email_use_ssl: bool = Field(
        default=False, description="TLS from the start (port 465); not with TANDEM_EMAIL_USE_TLS."
    )
    email_from: str = Field(
        default="Tandem <tandem@localhost>", description="The From of Tandem's e-mails."
    )
    base_url: str = Field(
        default="http://localhost:8000",
        description="Tandem's address as people reach it, for the links in e-mails, Slack "
        "and Teams messages and webhook events (e.g. https://okr.example.com).",
    )
    channel_keys: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Keys that encrypt channel URLs and webhook secrets, comma-separated, "
        "newest first (older ones still decrypt: docs/notifications.md, rotation). Unset: "
        "derived from TANDEM_SECRET_KEY.",
    )
    channel_any_url: bool = Field(
        default=False,
        description="Accept any http(s) address for Slack and Teams channels (a relay, tests). "
        "Off: Slack's must be https://hooks.slack.com/..., Teams' a Power Automate or Azure "
        "Logic Apps https address.",
    )
    delivery_batch: int = Field(
        default=100, ge=1, le=1000, description="Deliveries a sender claims and sends at once."
    )
    delivery_connections: int = Field(
        default=4,
        ge=1,
        le=32,
        description="SMTP connections or HTTP sessions one sender uses at once for a batch.",
    )
    delivery_attempts: int = Field(
        default=8,
        ge=1,
        description="Attempts at one delivery (each after twice the wait of the one before, "
        "or the Retry-After the receiver asked for) before it is given up.",
    )
    delivery_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a Slack, Teams, webhook or SMTP call may take."
    )
    delivery_sweep_seconds: int = Field(
        default=60,
        ge=1,
        description="How often deliveries waiting for their time (retries, quiet hours) and "
        "the organisation's changes (for webhooks) are looked for.",
    )
    channel_failing_after: int = Field(
        default=5,
        ge=1,
        description="Failed deliveries in a row after which a channel is marked failing and "
        "its team's lead and the admins are told in their inbox.",
    )
    reminder_escalate_after: int = Field(
        default=0,
        ge=0,
        description="After this many check-in reminders in a row that found someone with "
        "check-ins due, their team lead is told (once per streak). 0: never.",
    )
    today: date | None = Field(
        default=None,
        description="Pretend today is this date (YYYY-MM-DD), for demos, training and "
        "browser tests: pages, `tandem serve --demo` and the commands' default as-of date use "
        "it. Unset: the real date.",
    )

    oidc_issuer: str = Field(
        default="",
        description="Single sign-on: the OpenID Connect issuer URL (its "
        "/.well-known/openid-configuration is read on first use). Unset: no single sign-on.",
    )
    oidc_client_id: str = Field(default="", description="The client id Tandem has at the provider.")
    oidc_client_secret: str = Field(default="", description="That client's secret.")
    oidc_scopes: str = Field(
        default="openid email profile", description="The scopes asked for, space-separated."
    )
    oidc_email_claim: str = Field(default="email", description="The claim that carries the e-mail.")
    oidc_groups_claim: str = Field(
        default="",
        description="The claim that carries the groups (unset: groups are not read).",
    )
    oidc_unknown_email: str = Field(
        default="refuse",
        pattern="^(refuse|create)$",
        description="An e-mail no person has: 'refuse' the sign-in, or 'create' a person.",
    )
    oidc_email_domains: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Comma-separated e-mail domains allowed to sign in (unset: any).",
    )
    oidc_admin_groups: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Comma-separated groups whose members are admins; set on each sign-in "
        "(unset: single sign-on leaves the admin role alone).",
    )
    oidc_team_groups: Annotated[dict[str, str], NoDecode] = Field(
        default={},
        description="group=TEAM_ID,...: membership of those teams follows the groups on "
        "each sign-in.",
    )
    oidc_provider_name: str = Field(
        default="your identity provider",
        description='The name on the "Sign in with ..." button.',
    )
    password_sign_in: bool = Field(
        default=True,
        description="Sign-in with a password on the sign-in page (false: single sign-on only).",
    )

    @field_validator("oidc_email_domains", "oidc_admin_groups", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("password_sign_in")
    @classmethod
    def _someone_can_sign_in(cls, value: bool, info: ValidationInfo) -> bool:
        if not value and not info.data.get("oidc_issuer"):
            raise ValueError(
                "false needs single sign-on (TANDEM_OIDC_ISSUER), or no one can sign in"
            )
        return value

    @field_validator("oidc_team_groups", mode="before")
    @classmethod
    def _split_pairs(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        pairs = [item.strip() for item in value.split(",") if item.strip()]
        if any("=" not in pair for pair in pairs):
            raise ValueError("must be group=TEAM_ID pairs, comma-separated")
        split = [pair.rsplit("=", 1) for pair in pairs]
        return {group.strip(): team.strip() for group, team in split}

    @field_validator("allowed_hosts", "channel_keys", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip() for host in value.split(",") if host.strip()]
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        # One file read (every process reads the settings: listing all zones costs 0.1 s).
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name such as Europe/Paris or UTC") from None
        return value

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("queue")
    @classmethod
    def _queue_kind(cls, value: str) -> str:
        if value != "database" and not value.startswith(("redis://", "rediss://")):
            raise ValueError("must be 'database' or a redis:// URL")
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
