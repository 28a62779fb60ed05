from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "groups.publish"
    label = "publish"
    verbose_name = "Publishing to Spot"

    def ready(self) -> None:
        # Celery's app is configured once Django is; the drift check joins beat's schedule then.
        from console.celery import app

        from .tasks import register_beat_schedule

        register_beat_schedule(app)
