from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"

    def ready(self) -> None:
        # Imported once the apps are loaded: connecting receivers needs the models.
        from .reviews import receivers  # noqa: F401
