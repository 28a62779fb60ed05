"""Settings for the test suite: the real settings, with test-only keys and plain static files."""

import os
import tempfile
import uuid

# Cached principals are keyed by user id, and every test run (every xdist worker) makes its
# databases afresh: each gets a cache namespace of its own, which the processes its tests start
# inherit through the environment.
os.environ.setdefault("GALLERY_CONSOLE_TEST_RUN", uuid.uuid4().hex[:12])
os.environ["CACHE_KEY_PREFIX"] = "-".join(
    [
        "gallery-console-test",
        os.environ["GALLERY_CONSOLE_TEST_RUN"],
        os.environ.get("PYTEST_XDIST_WORKER", "main"),
    ]
)
os.environ["CACHE_DIR"] = os.path.join(tempfile.gettempdir(), os.environ["CACHE_KEY_PREFIX"])
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# A valid Fernet key (32 url-safe base64 bytes) used only by the tests.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# The Azure sandbox the tests run against listens on 127.0.0.1 (any port; "localhost" too).
os.environ.setdefault("AZURE_ALLOWED_CUSTOM_HOSTS", "127.0.0.1,localhost")
# The second console the publishing tests publish to listens on 127.0.0.1 too.
os.environ.setdefault("SPOT_ALLOWED_CUSTOM_HOSTS", "127.0.0.1,localhost")
# The OpenAPI schema drives the API fuzz tests.
os.environ.setdefault("API_DOCS_ENABLED", "1")

from .settings import *  # noqa: F403
from .settings import DATABASES, VAR_DIR

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing keeps user-creating tests quick; nothing here protects real passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not in-memory) test database, so a real worker subprocess can share it; one per
    # test process, so parallel runs never clobber each other.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Connections close after each request, as before persistent connections: the test database is
# dropped right after the last test, and a connection closed only then can still be on its way
# out when PostgreSQL is asked to drop the database ("being accessed by other users").
DATABASES["default"]["CONN_MAX_AGE"] = 0
