from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"
    verbose_name = "Console"

    def ready(self) -> None:
        # principals imports the models, which load only once the app registry is ready.
        from . import principals

        principals.connect_signals()
