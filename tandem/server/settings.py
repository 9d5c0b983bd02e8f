"""Django settings, driven by the typed ``TANDEM_*`` variables of :mod:`tandem.server.config`."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF

from tandem.server.config import ConfigError, read_config

CONFIG = read_config()
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    if CONFIG.secret_key:
        return CONFIG.secret_key
    # One machine, one key, kept beside the database it protects.
    path = DATA_DIR / "secret_key"
    try:
        # Created readable by its owner only, and by one process only if two start at once.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _data_dir() -> Path:
    try:
        CONFIG.data_dir.mkdir(parents=True, exist_ok=True)
        (CONFIG.data_dir / "static").mkdir(exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"TANDEM_DATA_DIR: cannot use {CONFIG.data_dir} as the data folder ({exc.strerror}); "
            "point it at a folder Tandem may write to"
        ) from None
    return CONFIG.data_dir


def _database() -> dict[str, Any]:
    if CONFIG.database_url:
        database: dict[str, Any] = dict(
            dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)
        )
        database["TEST"] = {"NAME": f"test_{database['NAME']}"}
        database["OPTIONS"] = {
            # Parameters sent apart from the statement, and a statement a connection has run
            # five times prepared: PostgreSQL then plans the API's frequent reads once per
            # connection, not on every request (planning was most of a check-in's database
            # CPU: 1.8 ms, against 0.7 ms prepared; docs/performance.md).
            "server_side_binding": True,
            "prepare_threshold": 5 if CONFIG.database_prepared_statements else None,
            **database.get("OPTIONS", {}),
        }
        return database
    return {
        # Django's backend; write transactions queue on a lock file (tandem/server/sqlite).
        "ENGINE": "tandem.server.sqlite",
        "NAME": DATA_DIR / "tandem.sqlite3",
        # Kept open: opening one (its pragmas and functions) cost more than a whole request.
        "CONN_MAX_AGE": None,
        # Tests run in memory, as on Django's own SQLite backend (said outright, since test
        # runners recognise SQLite by that backend's name).
        "TEST": {"NAME": ":memory:"},
        "OPTIONS": {
            # WAL lets readers go on while one process writes; IMMEDIATE takes the write lock
            # at the start of a transaction so two writers queue (up to the timeout) instead
            # of failing half-way with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": CONFIG.sqlite_timeout,
        },
    }


DATA_DIR: Path = _data_dir()
SECRET_KEY = _secret_key()
DEBUG = CONFIG.debug
# Alerts (tandem.notifications.alerts, tandem.jobs.alerts): docs/notifications.md.
TANDEM_NOTIFY_DUE_SOON_DAYS = CONFIG.notify_due_soon_days
TANDEM_NOTIFY_ESCALATE_DAYS = CONFIG.notify_escalate_days
TANDEM_NOTIFY_CYCLE_START_DAYS = CONFIG.notify_cycle_start_days
TANDEM_NOTIFY_RISK_SWEEP_SECONDS = CONFIG.notify_risk_sweep_seconds
TANDEM_NOTIFY_RISK_ON_CHANGE = CONFIG.notify_risk_on_change

# A fixed "today" for demos and browser tests (TANDEM_TODAY); None: the real date.
TANDEM_TODAY = CONFIG.today
ALLOWED_HOSTS = CONFIG.allowed_hosts

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "csp",
    "axes",
    "tandem.people",
    "tandem.okrs",
    "tandem.checkins",
    "tandem.dependencies",
    "tandem.organization",
    "tandem.access",
    "tandem.comments",
    "tandem.notifications",
    "django_q",
    "tandem.jobs",
    "tandem.provisioning",
    "tandem.web",
    "tandem.server",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files are cacheable and need no policy), before the rest: so
    # that an answer Django makes for a request it refused early gets the headers too.
    "csp.middleware.CSPMiddleware",
    "tandem.server.headers.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tandem.server.sessions.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tandem.api.problems.ProblemMiddleware",
    # Last: turns a sign-in that failed too often into the page saying how long to wait.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.server.urls"
WSGI_APPLICATION = "tandem.server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a paused sign-in before any password is checked.
    "tandem.people.auth.SignInPauseBackend",
    "tandem.people.auth.PersonIdOrEmailBackend",
    # Single sign-on's answer (code, state, nonce); nothing for a password sign-in.
    "tandem.people.oidc.OidcBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Single sign-on with OpenID Connect (tandem/people/oidc.py, docs/deployment.md#single-sign-on).
TANDEM_OIDC_ISSUER = CONFIG.oidc_issuer.rstrip("/")
TANDEM_OIDC_CLIENT_ID = CONFIG.oidc_client_id
TANDEM_OIDC_CLIENT_SECRET = CONFIG.oidc_client_secret
TANDEM_OIDC_SCOPES = CONFIG.oidc_scopes
TANDEM_OIDC_EMAIL_CLAIM = CONFIG.oidc_email_claim
TANDEM_OIDC_GROUPS_CLAIM = CONFIG.oidc_groups_claim
TANDEM_OIDC_UNKNOWN_EMAIL = CONFIG.oidc_unknown_email
TANDEM_OIDC_EMAIL_DOMAINS = CONFIG.oidc_email_domains
TANDEM_OIDC_ADMIN_GROUPS = CONFIG.oidc_admin_groups
TANDEM_OIDC_TEAM_GROUPS = CONFIG.oidc_team_groups
TANDEM_OIDC_PROVIDER_NAME = CONFIG.oidc_provider_name
TANDEM_PASSWORD_SIGN_IN = CONFIG.password_sign_in

# Failed sign-ins and bad API tokens, counted in the database so that every app server and
# worker shares the counts (tandem/access/throttle.py; docs/deployment.md#sign-in-and-sessions).
TANDEM_PROXY_COUNT = CONFIG.proxy_count
TANDEM_LOGIN_FAILURE_LIMIT = CONFIG.login_failure_limit
TANDEM_LOGIN_COOLOFF_MINUTES = CONFIG.login_cooloff_minutes
TANDEM_API_TOKEN_FAILURE_LIMIT = CONFIG.api_token_failure_limit
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tandem.people.auth.lockout_name"
AXES_CLIENT_IP_CALLABLE = "tandem.access.throttle.client_ip"
AXES_FAILURE_LIMIT = "tandem.access.throttle.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=CONFIG.login_cooloff_minutes)
AXES_LOCKOUT_CALLABLE = "tandem.web.views.signin.sign_in_paused"
AXES_RESET_ON_SUCCESS = True
# Who signed in when is not kept: only the failures that count towards a pause.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # tandem/access/admin.py shows the attempts, without the empty logs
AXES_VERBOSE = False

# Background jobs (tandem/jobs, docs/architecture.md#background-work): Django-Q2 with its ORM
# broker on the database in use by default, or Redis (TANDEM_QUEUE=redis://...).
Q_CLUSTER: dict[str, Any] = {
    "name": "tandem",
    "workers": CONFIG.queue_workers,
    "timeout": CONFIG.queue_timeout,
    "retry": max(CONFIG.queue_retry, CONFIG.queue_timeout + 1),
    # A job's own failures are retried with backoff by tandem.jobs.runner, not by the broker.
    "ack_failures": True,
    "max_attempts": 1,
    "save_limit": 1000,
    "poll": 0.5,
    "catch_up": False,
    # Tandem's own tick queues the periodic jobs (tandem.jobs.runner); Django-Q2's scheduler
    # would take the database's write lock twice a second for schedules Tandem does not use.
    "scheduler": False,
    "label": "Background jobs",
    # Django-Q2 reads Q_CLUSTER_NAME from the environment to queue under another name (the
    # tests give each test its own), and then needs this key, even empty.
    "ALT_CLUSTERS": {},
    **({"orm": "default"} if CONFIG.queue == "database" else {"redis": CONFIG.queue}),
}
TANDEM_QUEUE_TICK_SECONDS = CONFIG.queue_tick_seconds
TANDEM_QUEUE_EMBEDDED = CONFIG.queue_embedded
TANDEM_QUEUE_HEARTBEAT_SECONDS = CONFIG.queue_heartbeat_seconds
TANDEM_REMINDER_ESCALATE_AFTER = CONFIG.reminder_escalate_after

# Outbound messages (tandem/notifications, docs/notifications.md): e-mail through Django's
# SMTP backend, Slack, Teams and webhooks with requests; their delivery log and retries.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = CONFIG.email_host or "localhost"
EMAIL_PORT = CONFIG.email_port
EMAIL_HOST_USER = CONFIG.email_user
EMAIL_HOST_PASSWORD = CONFIG.email_password
EMAIL_USE_TLS = CONFIG.email_use_tls and not CONFIG.email_use_ssl
EMAIL_USE_SSL = CONFIG.email_use_ssl
EMAIL_TIMEOUT = CONFIG.delivery_timeout
DEFAULT_FROM_EMAIL = CONFIG.email_from
TANDEM_EMAIL_ENABLED = CONFIG.email_host is not None
TANDEM_BASE_URL = CONFIG.base_url
TANDEM_CHANNEL_KEYS = CONFIG.channel_keys
TANDEM_CHANNEL_ANY_URL = CONFIG.channel_any_url
TANDEM_DELIVERY_BATCH = CONFIG.delivery_batch
TANDEM_DELIVERY_CONNECTIONS = CONFIG.delivery_connections
TANDEM_DELIVERY_ATTEMPTS = CONFIG.delivery_attempts
TANDEM_DELIVERY_TIMEOUT = CONFIG.delivery_timeout
TANDEM_DELIVERY_SWEEP_SECONDS = CONFIG.delivery_sweep_seconds
TANDEM_CHANNEL_FAILING_AFTER = CONFIG.channel_failing_after

# A signed-in session ends after TANDEM_SESSION_IDLE_MINUTES without a request
# (tandem/server/sessions.py keeps it alive while it is used).
SESSION_COOKIE_AGE = CONFIG.session_idle_minutes * 60

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# The organisation's default time zone for notifications (its admins may set another).
TANDEM_TIME_ZONE = CONFIG.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Behind HTTPS (TANDEM_HTTPS=true) the browser only ever talks TLS to us.
if CONFIG.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True


# Scripts, styles, images and fonts from Tandem itself only: no inline script or style, no
# style attribute, no eval (the templates have none; htmx is told not to add its own style,
# Cytoscape.js finds its rule already there). data: images for the API docs' icons.
# docs/deployment.md explains each choice; tandem.server.headers adds Permissions-Policy.
def _issuer_origin(issuer: str) -> list[str]:
    parts = urlsplit(issuer)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # Signing out after single sign-on is a form whose answer redirects to the provider.
        "form-action": [SELF, *_issuer_origin(CONFIG.oidc_issuer)],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    # django-axes says INFO on every sign-in; its warnings (failures, pauses) are enough.
    "loggers": {
        "axes": {"level": "DEBUG" if CONFIG.log_level == "DEBUG" else "WARNING"},
        # Django-Q2 says INFO on every job queued and every process started.
        "django-q": {"level": "DEBUG" if CONFIG.log_level == "DEBUG" else "WARNING"},
        # urllib3 (under requests) logs each request's path at DEBUG: a Slack or Teams
        # webhook's path is its secret. Never below WARNING, whatever TANDEM_LOG_LEVEL says.
        "urllib3": {"level": "WARNING"},
    },
}
