"""The SMTP channel against a real SMTP server on 127.0.0.1, and its JOBTRACKER_SMTP_URL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from jobtracker.config import SettingsError, load_settings, parse_smtp_url
from jobtracker.kit.clock import utcnow
from jobtracker.notifications.channels import email_channel
from jobtracker.notifications.channels.base import Letter, build_message
from jobtracker.notifications.channels.smtp import SmtpChannel
from jobtracker.tasks.errors import PermanentError, TransientError, classify
from tests.notifications.conftest import BUSY, REJECTED, SmtpTestServer

SENDER = "Jobtracker <jobtracker@example.com>"


def letter(to: str = "nora@example.com") -> Letter:
    return Letter(
        to=to, subject="Interview tomorrow", text="See you at 10.", html="<p>See you at 10.</p>",
        date=utcnow(), idempotency_key=f"{uuid.uuid4()}:email",
    )  # fmt: skip


def send(smtp: SmtpTestServer, to: str = "nora@example.com") -> None:
    SmtpChannel(smtp.server, timeout=5).send(build_message(letter(to), sender=SENDER))


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("JOBTRACKER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JOBTRACKER_DATA_DIR", str(tmp_path))


@pytest.mark.usefixtures("clean_environment")
class TestSmtpUrlSetting:
    @pytest.mark.parametrize(
        "url",
        [
            "http://mail.example.com",
            "smtp://",
            "smtp://mail.example.com:99999",
            "smtp://mail.example.com:port",
            "smtp://mail.example.com?starttls=maybe",
            "smtp://mail.example.com?tls=true",
            "smtps://mail.example.com?starttls=true",
            "smtp://mail.example.com/path",
        ],
    )
    def test_malformed_url_stops_start_up_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, url: str
    ) -> None:
        monkeypatch.setenv("JOBTRACKER_SMTP_URL", url)
        with pytest.raises(SettingsError) as error:
            load_settings()
        assert str(error.value).startswith("JOBTRACKER_SMTP_URL: ")
        assert "\n" not in str(error.value)

    def test_message_never_shows_the_password(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("JOBTRACKER_SMTP_URL", "smtp://mailer:s3cret-pw@mail.example.com:x")
        with pytest.raises(SettingsError) as error:
            load_settings()
        assert "s3cret-pw" not in str(error.value)

    def test_starttls_url_gives_host_port_and_decoded_credentials(self) -> None:
        server = parse_smtp_url("smtp://mailer:p%40ss@mail.example.com:2525?starttls=true")
        assert (server.host, server.port, server.security) == ("mail.example.com", 2525, "starttls")
        assert server.username == "mailer"
        assert server.password.get_secret_value() == "p@ss"

    @pytest.mark.parametrize(
        ("url", "port", "security"),
        [
            ("smtps://mail.example.com", 465, "tls"),
            ("smtp://mail.example.com?starttls=true", 587, "starttls"),
            ("smtp://mail.example.com", 25, "none"),
        ],
    )
    def test_port_defaults_to_the_scheme_s(self, url: str, port: int, security: str) -> None:
        server = parse_smtp_url(url)
        assert (server.port, server.security) == (port, security)

    def test_an_smtp_url_selects_the_smtp_channel(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("JOBTRACKER_SMTP_URL", "smtp://mail.example.com:587?starttls=true")
        assert isinstance(email_channel(load_settings()), SmtpChannel)


class TestSmtpChannel:
    def test_accepted_message_arrives_with_text_and_html(self, smtp: SmtpTestServer) -> None:
        send(smtp)
        [received] = smtp.mailbox.messages
        assert received["To"] == "nora@example.com"
        assert received["Subject"] == "Interview tomorrow"
        assert received.get_content_type() == "multipart/alternative"
        assert received.get_body(("plain",)).get_content().strip() == "See you at 10."
        assert received.get_body(("html",)).get_content().strip() == "<p>See you at 10.</p>"

    def test_rejected_recipient_is_a_permanent_error_with_the_server_s_reason(
        self, smtp: SmtpTestServer
    ) -> None:
        with pytest.raises(PermanentError) as error:
            send(smtp, to=REJECTED)
        assert str(error.value) == "550 5.1.1 user unknown"
        assert not classify(error.value).transient

    def test_temporary_refusal_is_a_transient_error(self, smtp: SmtpTestServer) -> None:
        with pytest.raises(TransientError) as error:
            send(smtp, to=BUSY)
        assert str(error.value) == "451 4.3.0 mailbox busy, try again later"

    def test_server_down_is_a_transient_error(self, smtp: SmtpTestServer) -> None:
        smtp.stop()
        with pytest.raises(OSError) as error:
            send(smtp)
        assert classify(error.value).transient
