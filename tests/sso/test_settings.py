"""The single sign-on settings as an admin writes them in the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.server.config import ConfigError, read_config


def test_groups_and_lists_are_read_from_comma_separated_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_OIDC_ISSUER", "https://login.example.com/tenant/v2.0")
    monkeypatch.setenv("TANDEM_OIDC_TEAM_GROUPS", "okr-search = search, cn=mobile=mobile")
    monkeypatch.setenv("TANDEM_OIDC_ADMIN_GROUPS", "okr-admins, ops")
    monkeypatch.setenv("TANDEM_OIDC_EMAIL_DOMAINS", "example.com")
    monkeypatch.setenv("TANDEM_PASSWORD_SIGN_IN", "false")
    config = read_config()
    assert config.oidc_team_groups == {"okr-search": "search", "cn=mobile": "mobile"}
    assert config.oidc_admin_groups == ["okr-admins", "ops"]
    assert config.oidc_email_domains == ["example.com"]
    assert config.password_sign_in is False


def test_password_sign_in_cannot_be_off_without_single_sign_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_PASSWORD_SIGN_IN", "false")
    with pytest.raises(ConfigError, match=r"TANDEM_PASSWORD_SIGN_IN: .*no one can sign in"):
        read_config()


def test_team_groups_must_be_pairs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TANDEM_OIDC_TEAM_GROUPS", "okr-search")
    with pytest.raises(ConfigError, match=r"TANDEM_OIDC_TEAM_GROUPS: .*group=TEAM_ID"):
        read_config()
