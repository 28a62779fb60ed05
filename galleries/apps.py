from django.apps import AppConfig


class GalleriesConfig(AppConfig):
    name = "galleries"

    def ready(self) -> None:
        # Both need the app registry ready (tasks import models), so they load here.
        from console.celery import app

        # (the tasks module imports models: it can't load before the registry)
        from .refresh.tasks import register_beat_schedule

        register_beat_schedule(app)
