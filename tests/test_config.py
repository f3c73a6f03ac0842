"""Settings from the environment and the `jobtracker` command, on a data folder of their own."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jobtracker.cli import app as cli
from jobtracker.config import Settings, SettingsError, load_settings
from jobtracker.main import create_app

JOBTRACKER = Path(sys.executable).with_name("jobtracker")
ADMIN_PASSWORD = "an admin's long password"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No JOBTRACKER_* setting of the machine running the tests leaks into these."""
    for name in list(os.environ):
        if name.startswith("JOBTRACKER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JOBTRACKER_DATA_DIR", str(tmp_path / "data"))


def run_jobtracker(
    *args: str, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """The installed console script, as an operator runs it."""
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **env}
    return subprocess.run(
        [str(JOBTRACKER), *args],
        input=stdin,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def login_from(data_dir: Path, email: str) -> dict[str, str]:
    """Log in through the app served from that data folder; returns the user's profile."""
    app = create_app(Settings(data_dir=data_dir, log_level="WARNING"))
    with TestClient(app) as client:
        body = {"email": email, "password": ADMIN_PASSWORD}
        tokens = client.post("/api/auth/login", json=body).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        profile: dict[str, str] = client.get("/api/user/profile", headers=headers).json()
    app.state.engine.dispose()
    return profile


class TestLoadSettings:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("JOBTRACKER_SIGNUP", "maybe"),
            ("JOBTRACKER_ACCESS_TOKEN_MINUTES", "abc"),
            ("JOBTRACKER_ACCESS_TOKEN_MINUTES", "0"),
            ("JOBTRACKER_DATABASE_URL", "mysql://localhost/jobs"),
            ("JOBTRACKER_LOG_LEVEL", "LOUD"),
            ("JOBTRACKER_OUTBOUND_ALLOWLIST", "127.0.0.1,10.0.0.0/33"),
            ("JOBTRACKER_OUTBOUND_ALLOWLIST", "feeds.example.com:8080"),
            ("JOBTRACKER_MAX_RESPONSE_BYTES", "100"),
            ("JOBTRACKER_IMPORT_PROCESSES", "-1"),
        ],
    )
    def test_bad_value_names_the_variable_in_one_line(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        with pytest.raises(SettingsError) as error:
            load_settings()
        message = str(error.value)
        assert message.startswith(f"{variable}: ")
        assert "\n" not in message

    def test_defaults_are_the_embedded_setup(self, tmp_path: Path) -> None:
        settings = load_settings()
        assert settings.is_sqlite
        assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'data' / 'jobtracker.db'}"
        assert settings.signup == "open"
        assert settings.access_token_minutes == 15
        assert settings.refresh_token_days == 30
        # Reader processes: one per core beyond the worker's, at most two, none on one core.
        assert settings.import_processes == min(2, (os.cpu_count() or 1) - 1)

    def test_outbound_allowlist_is_a_comma_separated_list_of_hosts_and_ranges(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(
            "JOBTRACKER_OUTBOUND_ALLOWLIST", " 127.0.0.1, Feeds.Example.com ,10.0.0.0/8,"
        )
        settings = load_settings()
        assert settings.outbound_allowlist == ["127.0.0.1/32", "feeds.example.com", "10.0.0.0/8"]

    def test_an_allowlist_range_with_host_bits_names_the_range_meant(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("JOBTRACKER_OUTBOUND_ALLOWLIST", "192.168.1.10/24")
        with pytest.raises(SettingsError, match=r"the range is 192\.168\.1\.0/24"):
            load_settings()

    def test_outbound_defaults_allow_no_private_address_and_200_mb(self) -> None:
        settings = load_settings()
        assert settings.outbound_allowlist == []
        assert settings.max_response_bytes == 200 * 1024 * 1024
        assert settings.outbound_per_host_concurrency == 2

    def test_postgresql_url_uses_psycopg(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("JOBTRACKER_DATABASE_URL", "postgresql://jobs@db.example.com/jobs")
        settings = load_settings()
        assert settings.sqlalchemy_url == "postgresql+psycopg://jobs@db.example.com/jobs"
        assert not settings.is_sqlite


class TestSecretKey:
    def test_generated_key_file_is_private(self, tmp_path: Path) -> None:
        key = load_settings().signing_key
        path = tmp_path / "data" / "secret_key"
        assert path.read_text().strip() == key
        assert len(key) >= 32
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_generated_key_is_reused_on_the_next_start(self) -> None:
        assert load_settings().signing_key == load_settings().signing_key

    def test_given_key_is_used_and_no_file_is_written(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.setenv("JOBTRACKER_SECRET_KEY", "given-secret-key-long-enough-for-hs256")
        assert load_settings().signing_key == "given-secret-key-long-enough-for-hs256"
        assert not (tmp_path / "data" / "secret_key").exists()


class TestCommandLine:
    def test_bad_setting_exits_2_with_one_line_naming_it(self, tmp_path: Path) -> None:
        env = {"JOBTRACKER_DATA_DIR": str(tmp_path), "JOBTRACKER_SIGNUP": "maybe"}
        result = run_jobtracker("migrate", env=env)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "JOBTRACKER_SIGNUP" in result.stderr
        assert result.stdout == ""

    def test_user_create_makes_an_admin_even_when_signup_is_closed(self, tmp_path: Path) -> None:
        env = {"JOBTRACKER_DATA_DIR": str(tmp_path), "JOBTRACKER_SIGNUP": "closed"}
        result = run_jobtracker(
            "user", "create", "boss@example.com", "--password-stdin", "--admin",
            env=env, stdin=ADMIN_PASSWORD + "\n",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "boss@example.com" in result.stdout
        profile = login_from(tmp_path, "boss@example.com")
        assert profile["role"] == "admin"

    def test_user_create_of_a_taken_email_exits_1(self) -> None:
        runner = CliRunner()
        arguments = ["user", "create", "taken@example.com", "--password-stdin"]
        first = runner.invoke(cli, arguments, input=ADMIN_PASSWORD + "\n")
        assert first.exit_code == 0, first.output
        arguments[2] = "TAKEN@example.com"
        again = runner.invoke(cli, arguments, input=ADMIN_PASSWORD + "\n")
        assert again.exit_code == 1
        assert again.stderr.strip() == "jobtracker: An account with this email already exists."

    def test_user_create_with_a_weak_password_exits_1_naming_the_rule(self) -> None:
        arguments = ["user", "create", "weak@example.com", "--password-stdin"]
        result = CliRunner().invoke(cli, arguments, input="1234567890123\n")
        assert result.exit_code == 1
        assert result.stderr.strip() == "jobtracker: Password must not be only digits."

    def test_user_create_without_admin_makes_a_plain_user(self) -> None:
        arguments = ["user", "create", "plain@example.com", "--password-stdin"]
        result = CliRunner().invoke(cli, arguments, input=ADMIN_PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Created user plain@example.com")

    @pytest.mark.parametrize(
        "command", [[], ["serve"], ["api"], ["migrate"], ["user"], ["user", "create"], ["demo"]]
    )
    def test_every_command_has_help(self, command: list[str]) -> None:
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "Usage:" in result.stdout
