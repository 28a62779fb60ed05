from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "groups.publish"
    label = "publish"
    verbose_name = "Publishing to Spot"

    def ready(self) -> None:
        # Both need the app registry ready (tasks import models), so they load here.
        from console.celery import app

        # (the tasks module imports models: it can't load before the registry)
        from .tasks import register_beat_schedule

        register_beat_schedule(app)

        # (models can't be imported before the registry is ready)
        from galleries.crypto import register_encrypted_field

        from .models import SpotConnection  # (models: only once the registry is ready)

        register_encrypted_field(SpotConnection, "token_encrypted", "Spot token")
