"""Settings for symptomcheck: one module, driven by environment variables.

Everything that differs between a laptop, CI and production is read from the environment, so
there is nothing "only in production". The defaults are safe: DEBUG is off unless asked for, and
with DEBUG off the app refuses to start without a real secret key.

Environment variables (all optional in development):
    DJANGO_DEBUG              "1" turns on debug mode (development only).
    DJANGO_SECRET_KEY         required when DEBUG is off.
    DJANGO_ALLOWED_HOSTS      comma-separated host names (default: localhost names).
    DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://check.example.com
    DATABASE_URL              e.g. postgres://user:pass@host:5432/db ; default: SQLite file.
    DJANGO_SECURE_SSL         "0" turns off HTTPS-only cookies/redirects behind a TLS proxy-less dev box.
    EMAIL_URL-style settings  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
                              EMAIL_USE_TLS, DEFAULT_FROM_EMAIL; EMAIL_BACKEND to override.
    CLINIC_NAME, CLINIC_PHONE, CLINIC_ON_CALL_PHONE, EMERGENCY_NUMBER, CLINIC_ANSWER_MINUTES,
    URGENT_CARE_NAME, URGENT_CARE_PHONE, URGENT_CARE_ADDRESS
                              the clinic facts patients see, as defaults: staff override them in
                              the admin (clinic settings, with opening hours).
    CONTACT_NOTIFY_EMAILS     comma-separated staff addresses emailed about urgent/emergency contact requests.
    CONTACT_REQUEST_RETENTION_DAYS   days contact requests are kept (default 180).
    CONTACT_TARGET_MINUTES_<LEVEL>   follow-up target per level (EMERGENCY, URGENT, SOON, SELF_CARE).
    PUBLISH_GATE_MAX_UNDER_TRIAGE    percent of under-triaged vignettes that still allows publishing (3.0).
    KNOWLEDGE_BASE_REQUIRED_LANGUAGES  comma-separated languages content must be complete in to publish
                              (default: every language of LANGUAGES).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from procedures.triage.scales import URGENCY_LEVELS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; fail loudly on anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0/true/false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Development-only key. It is refused whenever DEBUG is off, so it can never sign production data.
_DEV_ONLY_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=1 for local development.")
    SECRET_KEY = _DEV_ONLY_SECRET_KEY
elif SECRET_KEY == _DEV_ONLY_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("The development secret key cannot be used with DEBUG off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "corsheaders",
    "procedures",
    "checkins",
    "vigilance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks; answers only under /api/.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database outage answers the emergency page (or the API's 503 JSON), never a bare 500.
    "procedures.outage.DatabaseOutageMiddleware",
    # Last, as django-axes asks: it locks out repeated failed admin logins.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles only from our own files; no inline
# script anywhere. Inline style *attributes* are allowed for the recovery timeline's bar widths
# (style-src-attr), never <style> elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Cross-origin calls to the API (django-cors-headers): off unless origins are named, e.g. a clinic
# system's web app, CORS_ALLOWED_ORIGINS=https://ehr.example.com. Never on patient pages or the admin.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "symptomcheck.urls"
# Under /api/, a refused CSRF check answers JSON like every other API error.
CSRF_FAILURE_VIEW = "procedures.error_pages.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "procedures.context_processors.clinic",
            ],
        },
    },
]

WSGI_APPLICATION = "symptomcheck.wsgi.application"

# SQLite by default so that a fresh clone runs with no server; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin lockout: after AXES_FAILURE_LIMIT failed logins from one user name and address, wait.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind reverse proxies, the client's address comes from the X-Forwarded-For entries those
# proxies added (procedures/client_address.py). 0 = Django faces the internet directly; the
# production recipe (deploy/) runs one proxy, so it sets 1.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "procedures.client_address.client_ip"

# Content languages (docs/decisions/0001-translations.md): English (LANGUAGE_CODE) is the source
# language; each other language needs its catalogue (locale/<code>/, `makemessages -l <code>`)
# and its knowledge-base text (`<field>_<code>` in fixtures, or in admin). No Python changes.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Español"))]
# The languages patient text must be complete in before it can be published (English always is).
# Leave a language being added out of it: its missing text falls back to English meanwhile.
KNOWLEDGE_BASE_REQUIRED_LANGUAGES = env_list("KNOWLEDGE_BASE_REQUIRED_LANGUAGES", [code for code, _name in LANGUAGES])
# The API's list endpoints give these languages as flat `name_<code>`/`label_<code>` keys, as
# integrations already read them; every configured language is in each item's `translations`.
API_LIST_LANGUAGE_KEYS = ["es"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Health answers live in the server-side session (database), never in URLs or readable cookies.
# Encrypted cookie sessions: the questionnaire needs no database (procedures/sessions.py).
SESSION_ENGINE = "procedures.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 4)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS protections are on whenever DEBUG is off; DJANGO_SECURE_SSL=0 only for plain-HTTP test rigs.
_SECURE = env_bool("DJANGO_SECURE_SSL", not DEBUG)
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_SSL_REDIRECT = _SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The assessment API refuses bodies above 64 KiB (contract); forms never need more than this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
API_MAX_BODY_BYTES = 64 * 1024

# Email: console in development, SMTP configured by environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "symptomcheck@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# What patients see about the clinic and where to call in an emergency.
# These are defaults: staff set the clinic's facts in the admin (clinic settings), and a field
# they leave blank keeps the value from here (procedures/clinic.py).
DEFAULT_CLINIC_NAME = "Your treatment clinic"  # shown translated, as "your treatment clinic"
CLINIC_NAME = os.environ.get("CLINIC_NAME", DEFAULT_CLINIC_NAME)
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "+1 213 555 0100")
CLINIC_ON_CALL_PHONE = os.environ.get("CLINIC_ON_CALL_PHONE", "")
EMERGENCY_NUMBER = os.environ.get("EMERGENCY_NUMBER", "911")
# Minutes the clinic promises for answering a patient sent to it "now"; no guideline gives a
# number (brief 8.1), so it is the clinic's own promise.
CLINIC_ANSWER_MINUTES = env_int("CLINIC_ANSWER_MINUTES", 15)
URGENT_CARE_NAME = os.environ.get("URGENT_CARE_NAME", "")
URGENT_CARE_PHONE = os.environ.get("URGENT_CARE_PHONE", "")
URGENT_CARE_ADDRESS = os.environ.get("URGENT_CARE_ADDRESS", "")
# Seconds a process keeps the clinic's settings in memory before reading them again.
CLINIC_SETTINGS_TTL = env_int("CLINIC_SETTINGS_TTL", 60)
# How often each process's release watcher looks for a new release (procedures/freshness.py); a
# release reaches every worker on every server within this plus the snapshot's build. 0 = no
# watcher: every read checks the database (the tests; one-off commands).
KNOWLEDGE_BASE_WATCH_SECONDS = float(os.environ.get("KNOWLEDGE_BASE_WATCH_SECONDS", "1.0"))
# Shown assessments kept per snapshot and process, least recently used first out
# (procedures/assessments.py); 0 = compute every time.
ASSESSMENT_MEMO_SIZE = env_int("ASSESSMENT_MEMO_SIZE", 1024)
# Rendered page parts kept per snapshot and process (result bodies, symptom lists); 0 = none.
PAGE_MEMO_SIZE = env_int("PAGE_MEMO_SIZE", 512)
# Whole questionnaire pages kept per snapshot and process (procedures/page_memo.py); 0 = none.
PAGE_HTML_MEMO_SIZE = env_int("PAGE_HTML_MEMO_SIZE", 1024)  # about 20 KB each

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Where the knowledge-base fixtures and the team's shared material (vocabulary, vignettes) live.
KNOWLEDGE_BASE_DIR = Path(os.environ.get("KNOWLEDGE_BASE_DIR", BASE_DIR / "fixtures" / "knowledge_base"))
SHARED_DIR = Path(os.environ.get("SHARED_DIR", BASE_DIR.parent / "shared"))
# A copy of the newest published release on local disk, so that a process started while the
# database is down still answers patients (procedures/selectors.py). Empty = keep none.
KNOWLEDGE_BASE_FALLBACK_FILE = os.environ.get(
    "KNOWLEDGE_BASE_FALLBACK_FILE", str(BASE_DIR / "var" / "published-release.json")
)

# Clinic staff workflow (docs/staff.md).
# Publishing is refused unless these vignette suites still pass the safety gate on the knowledge
# base as it would be after publishing (files that do not exist are skipped; none at all refuses).
PUBLISH_GATE_VIGNETTES = [
    *sorted((BASE_DIR / "tests" / "vignettes").glob("*.json")),
    SHARED_DIR / "vignettes" / "public.json",
]
PUBLISH_GATE_MAX_UNDER_TRIAGE = float(os.environ.get("PUBLISH_GATE_MAX_UNDER_TRIAGE", "3.0"))  # percent

# "Ask my clinic to contact me": who is emailed, for which levels, and how long requests are kept.
CONTACT_NOTIFY_EMAILS = env_list("CONTACT_NOTIFY_EMAILS", ["clinic@localhost"] if DEBUG else [])
CONTACT_NOTIFY_LEVELS = tuple(level.value for level in URGENCY_LEVELS if level.alerts_staff)
CONTACT_REQUEST_RETENTION_DAYS = env_int("CONTACT_REQUEST_RETENTION_DAYS", 180)
# Contact requests allowed per hour from one address, and for one phone number
# (procedures/rate_limits.py; docs/operations.md says why these numbers).
CONTACT_LIMIT_PER_ADDRESS_PER_HOUR = env_int("CONTACT_LIMIT_PER_ADDRESS_PER_HOUR", 10)
CONTACT_LIMIT_PER_PHONE_PER_HOUR = env_int("CONTACT_LIMIT_PER_PHONE_PER_HOUR", 3)
# The default cache is each process's memory; rate limits count in a table every worker shares.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rate_limit_counts"},
    # Template fragments that are the same for every patient in a language (blank form fields);
    # in process memory, nothing patient-specific ever goes in.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
}
RATE_LIMIT_CACHE = "ratelimit"
# Where contact requests wait, encrypted, while the database is down (procedures/outbox.py). It
# must survive restarts: on a server, a local disk that is backed up, not a temporary folder.
CONTACT_OUTBOX_DIR = os.environ.get("CONTACT_OUTBOX_DIR", str(BASE_DIR / "var" / "outbox"))
# How soon the clinic aims to contact a patient, per level (minutes); the queue shows each wait against it.
# Defaults come with each level (procedures/triage/scales.py); CONTACT_TARGET_MINUTES_<LEVEL> overrides one.
CONTACT_TARGET_MINUTES = {
    level.value: env_int(f"CONTACT_TARGET_MINUTES_{level.value.upper()}", level.contact_target_minutes)
    for level in URGENCY_LEVELS
}

# --- Check-ins after the visit (checkins/, docs/checkins.md) -------------------------------------
# The address patients' links start with (emails are read outside the site).
CHECKIN_SITE_URL = os.environ.get("CHECKIN_SITE_URL", "http://localhost:8000").rstrip("/")
# Check-ins are sent at this hour (clinic's time zone) on their day; a reminder goes once after
# CHECKIN_REMINDER_AFTER_HOURS, and the link stops working (the check-in is missed) after
# CHECKIN_LINK_VALID_HOURS.
CHECKIN_SEND_HOUR = env_int("CHECKIN_SEND_HOUR", 10)
CHECKIN_REMINDER_AFTER_HOURS = env_int("CHECKIN_REMINDER_AFTER_HOURS", 24)
CHECKIN_LINK_VALID_HOURS = env_int("CHECKIN_LINK_VALID_HOURS", 48)
# How far schedules reach (days): 12 weeks.
CHECKIN_HORIZON_DAYS = env_int("CHECKIN_HORIZON_DAYS", 84)
# Days after the last check-in that a patient's name and contact details are kept, then erased.
CHECKIN_KEEP_DETAILS_DAYS = env_int("CHECKIN_KEEP_DETAILS_DAYS", 14)
# Text messages: a dotted path to a class with send(to, body) (checkins/sms.py). Only the console
# backend ships: plug a provider in by naming its class here.
CHECKIN_SMS_BACKEND = os.environ.get("CHECKIN_SMS_BACKEND", "checkins.sms.ConsoleSmsBackend")
# Escalation defaults; staff override them in the admin (Escalation settings).
CHECKIN_ON_CALL_EMAIL = os.environ.get("CHECKIN_ON_CALL_EMAIL", "")
CHECKIN_CLINICAL_LEAD_EMAIL = os.environ.get("CHECKIN_CLINICAL_LEAD_EMAIL", "")
CHECKIN_CLINICAL_LEAD_PHONE = os.environ.get("CHECKIN_CLINICAL_LEAD_PHONE", "")
CHECKIN_LEAD_AFTER_MINUTES = env_int("CHECKIN_LEAD_AFTER_MINUTES", 15)

# --- Vigilance: treatment records, cluster alerts, reports, FHIR export (vigilance/, docs/vigilance.md) ---
# Cluster alerts: cases of one complication (confirmed by a clinician, or reported at urgent or
# above) counted per lot, per practitioner and per site; `threshold` cases within `window_days`
# raise one alert. Infections count from a small number because outbreaks start small; the
# windows follow each complication's onset window. docs/vigilance.md says why each number.
VIGILANCE_CLUSTER_DEFAULT = {
    "threshold": env_int("VIGILANCE_CLUSTER_DEFAULT_THRESHOLD", 5),
    "window_days": env_int("VIGILANCE_CLUSTER_DEFAULT_WINDOW_DAYS", 30),
}
VIGILANCE_CLUSTER_RULES = {
    "bacterial-skin-infection": {"threshold": 3, "window_days": 30},
    "atypical-mycobacterial-infection": {"threshold": 3, "window_days": 180},
    "fungal-infection": {"threshold": 3, "window_days": 60},
    "sepsis": {"threshold": 3, "window_days": 30},
    "necrotizing-soft-tissue-infection": {"threshold": 2, "window_days": 30},
    "bloodborne-virus-exposure": {"threshold": 2, "window_days": 365},
    "distant-toxin-spread": {"threshold": 2, "window_days": 60},
}
# Override or add one with VIGILANCE_CLUSTER_OVERRIDES="slug:threshold:days,slug:threshold:days".
for _override in env_list("VIGILANCE_CLUSTER_OVERRIDES", []):
    try:
        _slug, _threshold, _days = _override.split(":")
        VIGILANCE_CLUSTER_RULES[_slug] = {"threshold": int(_threshold), "window_days": int(_days)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"VIGILANCE_CLUSTER_OVERRIDES: {_override!r} is not slug:threshold:days") from exc
# The canonical base of the FHIR resources we publish (Questionnaire URL, our own code systems).
VIGILANCE_FHIR_BASE_URL = os.environ.get("VIGILANCE_FHIR_BASE_URL", f"{CHECKIN_SITE_URL}/vigilance/fhir").rstrip("/")
# Treatment records, cases, reports and the export audit log are kept this long (days), then
# purged by `manage.py purge_vigilance_records`. A placeholder: set it to the clinic's own rule
# for medical records. Links to contact requests go with the requests (CONTACT_REQUEST_RETENTION_DAYS).
VIGILANCE_RECORD_RETENTION_DAYS = env_int("VIGILANCE_RECORD_RETENTION_DAYS", 3650)

# --- Content review: the two-person rule and absolute links (issue 13; docs/staff.md) ---------
# The two-person rule: nobody publishes a change they made themselves, and weakening an emergency
# or urgent sign or rule needs a written reason approved by a second clinical reviewer.
# UNSAFE to switch off (TWO_PERSON_RULE=0): meant only for a single-clinician installation that
# accepts the risk; every release's safety case then lists weakenings as unreviewed hazards.
TWO_PERSON_RULE = env_bool("TWO_PERSON_RULE", True)
# The site's address as staff reach it, for links in emails (absolute, so a mail client can open them).
SITE_URL = os.environ.get("SITE_URL", CHECKIN_SITE_URL).rstrip("/")
