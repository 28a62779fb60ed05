# Gallery Console: `make run` for the demo, `make test` for the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SANDBOX_DIR := var/sandbox
SANDBOX_PORT ?= 8765
WEB_PORT ?= 8000
# The browser tests drive Debian's Chromium at this path (tests/conftest.py).

# The demo runs in debug mode against the bundled Azure sandbox.
run: export DJANGO_DEBUG ?= 1
run: export AZURE_DEFAULT_CLOUD ?= custom
run: export AZURE_DEFAULT_ARM_ENDPOINT ?= https://127.0.0.1:$(SANDBOX_PORT)
run: export AZURE_DEFAULT_AUTHORITY_HOST ?= https://127.0.0.1:$(SANDBOX_PORT)
run: export AZURE_DEFAULT_CA_BUNDLE ?= $(CURDIR)/$(SANDBOX_DIR)/ca.pem
run: export AZURE_ALLOWED_CUSTOM_HOSTS ?= 127.0.0.1:$(SANDBOX_PORT)
run: export API_DOCS_ENABLED ?= 1
# Static analysis imports the settings; debug mode supplies development keys for that.
typecheck checks: export DJANGO_DEBUG ?= 1

.PHONY: install system-packages run test lint typecheck checks compose-smoke ci clean

$(INSTALLED): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -e . --group dev
	@touch $(INSTALLED)

install: $(INSTALLED)

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	SANDBOX_DIR=$(SANDBOX_DIR) SANDBOX_PORT=$(SANDBOX_PORT) WEB_PORT=$(WEB_PORT) \
		$(VENV)/bin/honcho start -f Procfile.dev

# What the suite needs from the system: Debian's chromium (browser tests) and golang-go (the
# check that decodes answers as spotinst-sdk-go does), installed quietly when root; otherwise
# make stops before running anything and says what to install.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium golang-go:/usr/bin/go
system-packages:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  [ -x "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then \
	    echo "Installing Debian's$$missing for the suite (apt-get)"; \
	    apt-get update -qq >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "make test needs Debian's$$missing: sudo apt-get install$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

# The suite runs on TEST_WORKERS pytest-xdist processes (TEST_WORKERS=0: serially, in one).
# --dist load hands out single tests: schemathesis's tests share one node id, which the
# scope-based modes (loadscope, loadgroup) would run only once.
TEST_WORKERS ?= 2
test: system-packages install
	$(PY) -m pytest --numprocesses $(TEST_WORKERS) --dist load

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy console galleries groups azure_sandbox deploy

checks: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') \
		FIELD_ENCRYPTION_KEY=$$(python3 -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
		ALLOWED_HOSTS=console.example.com SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 \
		$(PY) manage.py check --deploy --fail-level WARNING

# docker-compose.yml's stack, built and run in podman, checked as a user would (deploy/compose_smoke).
compose-smoke: install
	$(PY) -m deploy.compose_smoke

clean:
	rm -rf $(VENV) var staticfiles
