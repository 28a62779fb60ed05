"""The compose smoke test's reading of docker-compose.yml: it must be the file Docker runs."""

from dataclasses import replace
from pathlib import Path

import pytest

from deploy.compose_smoke import compose_file
from deploy.compose_smoke.compose_file import ComposeError, interpolate
from deploy.compose_smoke.smoke import COMPOSE_FILES
from deploy.compose_smoke.stack import smoke_variables

COMPOSE_YML, SMOKE_OVERRIDE = COMPOSE_FILES
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture
def variables():
    return smoke_variables(web_port=18080)


def test_the_override_changes_only_where_images_come_from(variables):
    real = compose_file.load([COMPOSE_YML], variables)
    smoke = compose_file.load([COMPOSE_YML, SMOKE_OVERRIDE], variables)

    assert real.services.keys() == smoke.services.keys()
    for name, service in real.services.items():
        local = smoke.services[name]
        if name in APP_SERVICES:
            assert service.build is not None
            assert local.build is not None
            assert service.build.args == ()
            assert dict(local.build.args) == {
                "BASE_IMAGE": "localhost/gallery-console-smoke/python:3.11"
            }
            local = replace(local, build=service.build)
        else:
            assert service.image in ("postgres:16-alpine", "redis:7-alpine")
            assert local.image.startswith("localhost/gallery-console-smoke/")
            local = replace(local, image=service.image)
        assert local == service


def test_the_stack_starts_in_dependency_order_with_the_files_conditions(variables):
    project = compose_file.load([COMPOSE_YML], variables)
    order = [service.name for service in project.start_order()]

    for service in project.services.values():
        for dependency in service.depends_on:
            assert order.index(dependency) < order.index(service.name)
    assert project.services["web"].depends_on == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "migrate": "service_completed_successfully",
    }
    assert project.services["web"].ports[0].host == 18080
    assert project.services["migrate"].healthcheck is None


def test_the_worker_pings_itself_by_its_hostname(variables):
    worker = compose_file.load([COMPOSE_YML], variables).services["worker"]

    assert worker.healthcheck is not None
    assert worker.healthcheck.test[0] == "CMD-SHELL"
    assert "--destination worker@$(hostname)" in worker.healthcheck.test[1]
    assert worker.command is not None
    assert worker.command[worker.command.index("-n") + 1] == "worker@%h"


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS"]
)
def test_compose_refuses_to_start_without_each_required_setting(variables, missing):
    del variables[missing]

    with pytest.raises(ComposeError, match=f"{missing} is missing a value: set {missing} in .env"):
        compose_file.load([COMPOSE_YML], variables)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$$HOSTNAME", "$HOSTNAME"),
        ("${PORT:-8000}:8000", "9000:8000"),
        ("${UNSET:-8000}", "8000"),
        ("${EMPTY:-fallback}", "fallback"),
        ("${EMPTY-fallback}", ""),
        ("${PORT:+set}", "set"),
        ("$PORT/x", "9000/x"),
    ],
)
def test_interpolation_follows_compose(text, expected):
    assert interpolate(text, {"PORT": "9000", "EMPTY": ""}) == expected


def test_a_setting_the_smoke_test_does_not_understand_is_refused(tmp_path: Path):
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  web:\n    image: x\n    env_file: .env\n")

    with pytest.raises(ComposeError, match=r"services.web: \['env_file'\] not understood"):
        compose_file.load([compose], {})
