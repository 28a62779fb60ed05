from django.apps import AppConfig


class GalleriesConfig(AppConfig):
    name = "galleries"

    def ready(self) -> None:
        from console.celery import app

        from .refresh.tasks import register_beat_schedule

        register_beat_schedule(app)
