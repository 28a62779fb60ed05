# One image for web (gunicorn + whitenoise), worker and beat; see docker-compose.yml.
# BASE_IMAGE: any image with Python 3.11 as `python`/`pip` and `useradd`; the compose smoke test
# builds on a local Debian one (deploy/compose_smoke/), as no registry can be reached there.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=console.settings \
    WEB_CONCURRENCY=3

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app

# Dependencies first, so code changes do not reinstall them (the project itself is plain
# source under /app: pyproject.toml declares no packages to install). pyproject.toml names
# README.md as the description; an empty stand-in keeps README edits from reinstalling them too.
COPY pyproject.toml ./
RUN touch README.md && pip install . && rm README.md

COPY . .

# Static files are collected into the image. The keys below exist only for this build step
# (settings refuse to load without them); the real ones come from the environment at run time.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=build-only-not-a-secret-collectstatic-0123456789abcdefghijklmnop \
    FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDEyMzQ1Njc= \
    CELERY_BROKER_URL=redis://build-only.invalid:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var \
 && chown -R app:app /app/var

USER app
EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY and its threads from WEB_THREADS
# (console/gunicorn_conf.py). It only listens on the compose network, behind the
# TLS-terminating proxy, so that proxy's X-Forwarded-* headers are trusted.
CMD ["gunicorn", "console.wsgi:application", \
     "-c", "python:console.gunicorn_conf", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--forwarded-allow-ips", "*"]
