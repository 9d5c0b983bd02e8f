"""Settings come from typed environment variables and fail loudly on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.server.config import ConfigError, read_config


def test_defaults_need_no_environment(monkeypatch) -> None:
    for name in ("TANDEM_DATABASE_URL", "TANDEM_DEBUG", "TANDEM_HTTPS", "TANDEM_ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    config = read_config()
    assert config.database_url is None
    assert config.debug is False
    assert config.allowed_hosts == ["localhost", "127.0.0.1", "[::1]"]


def test_values_are_parsed(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_ALLOWED_HOSTS", "okr.example.com, www.example.com")
    monkeypatch.setenv("TANDEM_HTTPS", "true")
    monkeypatch.setenv("TANDEM_DATABASE_URL", "postgresql://tandem@db:5432/tandem")
    config = read_config()
    assert config.data_dir == Path(tmp_path)
    assert config.allowed_hosts == ["okr.example.com", "www.example.com"]
    assert config.https is True
    assert config.database_url == "postgresql://tandem@db:5432/tandem"


def test_today_can_be_pretended_for_demos_and_tests(monkeypatch) -> None:
    from datetime import date  # noqa: PLC0415

    monkeypatch.delenv("TANDEM_TODAY", raising=False)
    assert read_config().today is None
    monkeypatch.setenv("TANDEM_TODAY", "2026-11-21")
    assert read_config().today == date(2026, 11, 21)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TANDEM_DEBUG", "maybe", "TANDEM_DEBUG: Input should be a valid boolean"),
        ("TANDEM_DATABASE_URL", "mysql://x/y", "TANDEM_DATABASE_URL: Value error, must start with"),
        ("TANDEM_SQLITE_TIMEOUT", "-1", "TANDEM_SQLITE_TIMEOUT: Input should be greater than 0"),
        ("TANDEM_SECRET_KEY", "short", "TANDEM_SECRET_KEY: String should have at least 50"),
        ("TANDEM_TODAY", "21/11/2026", "TANDEM_TODAY: Input should be a valid date"),
        ("TANDEM_LOGIN_FAILURE_LIMIT", "0", "TANDEM_LOGIN_FAILURE_LIMIT: Input should be greater"),
        ("TANDEM_LOGIN_COOLOFF_MINUTES", "soon", "TANDEM_LOGIN_COOLOFF_MINUTES: Input should be"),
        ("TANDEM_API_TOKEN_FAILURE_LIMIT", "-3", "TANDEM_API_TOKEN_FAILURE_LIMIT: Input should"),
        (
            "TANDEM_SESSION_IDLE_MINUTES",
            "1",
            "TANDEM_SESSION_IDLE_MINUTES: Input should be greater",
        ),
        ("TANDEM_PROXY_COUNT", "-1", "TANDEM_PROXY_COUNT: Input should be greater"),
        ("TANDEM_TIME_ZONE", "Mars/Olympus", "TANDEM_TIME_ZONE: Value error, must be an IANA"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_problem(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        read_config()
    assert message in str(error.value)


def test_the_commands_report_a_bad_setting_without_a_traceback(tmp_path) -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    result = subprocess.run(
        [sys.executable, "-m", "tandem", "export"],
        env={"TANDEM_DATA_DIR": str(tmp_path), "TANDEM_DEBUG": "maybe", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Error: bad environment variable" in result.stderr
    assert "TANDEM_DEBUG" in result.stderr
    assert "Traceback" not in result.stderr


def test_postgresql_binds_parameters_apart_and_prepares_frequent_statements(monkeypatch) -> None:
    from tandem.server import settings  # noqa: PLC0415

    url = "postgresql://tandem@db:5432/tandem?sslmode=require"
    monkeypatch.setenv("TANDEM_DATABASE_URL", url)
    monkeypatch.delenv("TANDEM_DATABASE_PREPARED_STATEMENTS", raising=False)
    monkeypatch.setattr(settings, "CONFIG", read_config())
    options = settings._database()["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5, "sslmode": "require"}
    # Behind a pooler that cannot keep prepared statements, they can be turned off.
    monkeypatch.setenv("TANDEM_DATABASE_PREPARED_STATEMENTS", "false")
    monkeypatch.setattr(settings, "CONFIG", read_config())
    assert settings._database()["OPTIONS"]["prepare_threshold"] is None


def test_sign_in_throttling_and_sessions_follow_their_settings(monkeypatch) -> None:
    from datetime import timedelta  # noqa: PLC0415

    from django.conf import settings  # noqa: PLC0415

    for name in ("LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES", "SESSION_IDLE_MINUTES"):
        monkeypatch.delenv(f"TANDEM_{name}", raising=False)
    monkeypatch.delenv("TANDEM_API_TOKEN_FAILURE_LIMIT", raising=False)
    monkeypatch.delenv("TANDEM_PROXY_COUNT", raising=False)
    config = read_config()
    assert (
        config.login_failure_limit,
        config.login_cooloff_minutes,
        config.api_token_failure_limit,
        config.session_idle_minutes,
        config.proxy_count,
    ) == (5, 15, 20, 480, 0)
    # The running settings are made from them (the test run sets none of these variables).
    running = (
        settings.TANDEM_LOGIN_FAILURE_LIMIT,
        settings.AXES_COOLOFF_TIME,
        settings.TANDEM_API_TOKEN_FAILURE_LIMIT,
        settings.SESSION_COOKIE_AGE,
        settings.TANDEM_PROXY_COUNT,
    )
    assert running == (5, timedelta(minutes=15), 20, 480 * 60, 0)
    monkeypatch.setenv("TANDEM_SESSION_IDLE_MINUTES", "30")
    assert read_config().session_idle_minutes == 30
