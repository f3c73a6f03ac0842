"""The one settings object. Settings are read here and nowhere else (DESIGN.md §5.7)."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from email.utils import parseaddr
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "JOBTRACKER_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name


class SignupMode(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TaskPolicy(BaseModel):
    """Retries and time limit for one kind of task (JOBTRACKER_TASK_POLICIES is JSON by kind)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attempts: Annotated[int, Field(ge=1, le=50)] = 5
    first_delay_seconds: Annotated[float, Field(ge=0)] = 1.0
    backoff: Annotated[float, Field(ge=1)] = 2.0
    max_delay_seconds: Annotated[float, Field(ge=0)] = 300.0
    time_limit_seconds: Annotated[float, Field(gt=0)] = 900.0


DEFAULT_TASK_POLICIES = {
    "default": TaskPolicy(),
    "email": TaskPolicy(attempts=6, first_delay_seconds=2.0, max_delay_seconds=600.0),
    "import": TaskPolicy(attempts=4, first_delay_seconds=5.0, time_limit_seconds=1800.0),
    "maintenance": TaskPolicy(attempts=2, time_limit_seconds=300.0),
}


class SettingsError(Exception):
    """A setting has a bad value; the message is one line that names the variable."""


class SmtpServer(BaseModel):
    """The SMTP relay of JOBTRACKER_SMTP_URL: "tls" is smtps://, "starttls" is ?starttls=true."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str
    port: int
    security: Literal["tls", "starttls", "none"]
    username: str = ""
    password: SecretStr = SecretStr("")


def parse_smtp_url(url: str) -> SmtpServer:
    """`smtp://user:pass@host:587?starttls=true` or `smtps://user:pass@host:465`; the messages
    never repeat the URL, which may hold a password."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("must start with smtp:// or smtps://")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    if not parts.hostname or parts.path not in ("", "/") or parts.fragment:
        raise ValueError("must be smtp://[user:password@]host[:port][?starttls=true]")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    starttls = options.pop("starttls", "false").lower()
    if options or starttls not in ("true", "false"):
        raise ValueError("takes one option, starttls=true or starttls=false")
    if parts.scheme == "smtps" and starttls == "true":
        raise ValueError("smtps:// is TLS from the start; starttls=true is for smtp://")
    security = "tls" if parts.scheme == "smtps" else "starttls" if starttls == "true" else "none"
    default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
    return SmtpServer(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username or ""),
        password=SecretStr(unquote(parts.password or "")),
    )


class S3Location(BaseModel):
    """The bucket of JOBTRACKER_STORAGE_URL; credentials come from boto3's own chain
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role), never the URL."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: str
    endpoint_url: str | None = None
    region: str | None = None


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


def parse_storage_url(url: str) -> S3Location:
    """`s3://bucket?endpoint_url=http://127.0.0.1:9000&region=eu-west-1` (both options optional:
    AWS itself needs neither)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "s3" or not _BUCKET.match(parts.netloc):
        raise ValueError("must be s3://bucket-name[?endpoint_url=...&region=...]")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError("names a bucket only: s3://bucket-name, without a path")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    endpoint = options.pop("endpoint_url", None)
    region = options.pop("region", None)
    if options:
        raise ValueError("takes two options, endpoint_url and region")
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError("endpoint_url must be an http:// or https:// address")
    return S3Location(bucket=parts.netloc, endpoint_url=endpoint or None, region=region or None)


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_ADDRESS_LIKE = re.compile(r"^[0-9.]+$|:")


def parse_allowlist_entry(entry: str) -> str:
    """One entry of JOBTRACKER_OUTBOUND_ALLOWLIST: a host name (lower-cased), or an address or
    CIDR range (written as a range: `127.0.0.1` becomes `127.0.0.1/32`)."""
    text = entry.strip().lower().rstrip(".")
    bad = f"{entry.strip()!r} is not a host name, an IP address or a CIDR range like 10.0.0.0/8"
    if "/" in text or _ADDRESS_LIKE.search(text):
        try:
            return str(ipaddress.ip_network(text.strip("[]")))
        except ValueError:
            raise ValueError(_host_bits(text) or bad) from None
    if len(text) > 253 or not all(_HOST_LABEL.match(label) for label in text.split(".")):
        raise ValueError(bad)
    return text


def _host_bits(text: str) -> str | None:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return f"{text!r} has host bits set: the range is {network}"


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

    # Live updates (SSE): "auto" is PostgreSQL LISTEN/NOTIFY on PostgreSQL, in-process on SQLite.
    broadcast: Literal["auto", "memory", "postgres"] = "auto"

    # Background work (DBOS Transact on the application's own database).
    executor_id: str = ""
    tasks_schema: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")] = "dbos"
    task_polling_seconds: Annotated[float, Field(gt=0, le=10)] = 0.25
    queue_concurrency: Annotated[int, Field(ge=1, le=256)] = 8
    task_policies: dict[str, TaskPolicy] = {}
    task_retention_days: Annotated[int, Field(ge=1)] = 7
    executor_stale_seconds: Annotated[int, Field(ge=5)] = 30

    # Email: through the SMTP relay when JOBTRACKER_SMTP_URL is set, else into the outbox folder.
    smtp_url: Annotated[SmtpServer | None, NoDecode] = None
    smtp_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    email_from: str = "Jobtracker <jobtracker@localhost>"

    # Listings: a posting of a windowed feed unseen this long is taken down.
    listing_ttl_days: Annotated[int, Field(ge=1, le=365)] = 30
    # ...and this many of their postings' pages are asked every ten minutes (404/410: gone).
    posting_checks_per_batch: Annotated[int, Field(ge=0, le=1000)] = 30
    # Processes that read (validate, normalise) the postings of a feed longer than one chunk of
    # 2,000, beside the worker that parses the feed and stores what they read; 0: the worker
    # reads too. By default one per core beyond the worker's, at most two (none on one core):
    # they run niced, and past two the worker, storing, is the limit (benchmarks/README.md).
    import_processes: Annotated[int, Field(ge=0, le=64)] = Field(
        default_factory=lambda: min(2, (os.cpu_count() or 1) - 1)
    )

    # Resumes: in the files folder, or in an S3-compatible bucket when JOBTRACKER_STORAGE_URL is
    # set (s3://bucket?endpoint_url=...&region=...).
    storage_url: str = ""
    max_upload_bytes: Annotated[int, Field(ge=1024)] = 10 * 1024 * 1024
    # A DOCX is a ZIP: its entries' sizes once unpacked are checked before it is opened.
    max_docx_uncompressed_bytes: Annotated[int, Field(ge=1024)] = 50 * 1024 * 1024

    # Outbound HTTP (sources, clipping a job from a URL), through kit/http's guarded client.
    # Private and loopback addresses are refused unless a host name or range here allows them.
    outbound_allowlist: Annotated[list[str], NoDecode] = []
    outbound_connect_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    outbound_read_timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 30.0
    outbound_total_timeout_seconds: Annotated[float, Field(gt=0)] = 900.0
    max_response_bytes: Annotated[int, Field(ge=1024)] = 200 * 1024 * 1024
    outbound_per_host_concurrency: Annotated[int, Field(ge=1, le=64)] = 2
    outbound_circuit_failures: Annotated[int, Field(ge=1)] = 5
    outbound_circuit_window_seconds: Annotated[float, Field(gt=0)] = 60.0
    outbound_circuit_cooldown_seconds: Annotated[float, Field(gt=0)] = 60.0

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("broadcast")
    @classmethod
    def _broadcast_fits_database(cls, value: str, info: ValidationInfo) -> str:
        url = str(info.data.get("database_url") or "")
        if value == "postgres" and not url.startswith("postgresql"):
            raise ValueError("postgres needs a postgresql:// JOBTRACKER_DATABASE_URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _smtp_server(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_smtp_url(value) if value.strip() else None
        return value

    @field_validator("storage_url")
    @classmethod
    def _storage(cls, value: str) -> str:
        if value.strip():
            parse_storage_url(value)
        return value.strip()

    @field_validator("outbound_allowlist", mode="before")
    @classmethod
    def _allowlist(cls, value: object) -> object:
        entries = value.split(",") if isinstance(value, str) else value
        if isinstance(entries, list | tuple):
            return [parse_allowlist_entry(str(each)) for each in entries if str(each).strip()]
        return value

    @field_validator("email_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        if "@" not in parseaddr(value)[1]:
            raise ValueError("must be an address, as in Jobtracker <jobs@example.com>")
        return value

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the driver spelled out (psycopg 3 for PostgreSQL)."""
        url = self.database_url or f"sqlite:///{self.data_dir / 'jobtracker.db'}"
        if url.startswith("postgresql://"):
            return "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url

    def task_policy(self, kind: str) -> TaskPolicy:
        """The policy for a kind of task: the operator's, else the built-in one, else default."""
        return (
            self.task_policies.get(kind)
            or DEFAULT_TASK_POLICIES.get(kind)
            or self.task_policies.get("default")
            or DEFAULT_TASK_POLICIES["default"]
        )

    @property
    def tasks_database_url(self) -> str:
        """The URL DBOS uses for its tables: the application's own database, plain driver name."""
        return self.sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def storage_location(self) -> S3Location | None:
        """The S3 bucket for files, or None for the local files folder."""
        return parse_storage_url(self.storage_url) if self.storage_url else None

    @property
    def imports_dir(self) -> Path:
        """Downloaded feeds and their parsed chunks, one folder per import run."""
        return self.data_dir / "imports"

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
