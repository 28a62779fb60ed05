from django.apps import AppConfig


class GalleriesConfig(AppConfig):
    name = "galleries"

    def ready(self) -> None:
        # Both need the app registry ready (tasks import models), so they load here.
        from console.celery import app

        # (the tasks module imports models: it can't load before the registry)
        from .refresh.tasks import register_beat_schedule

        register_beat_schedule(app)

        # rotate_secrets re-encrypts each field registered here (apps register their own).
        from .crypto import register_encrypted_field

        # (models can't be imported before the registry is ready)
        from .models import ConnectedSubscription

        register_encrypted_field(ConnectedSubscription, "client_secret_encrypted", "client secret")
