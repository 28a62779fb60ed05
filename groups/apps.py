from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"

    def ready(self) -> None:
        # Imported once the apps are loaded: connecting receivers needs the models.
        # The inventory lists an image's users through this hook (it cannot import groups).
        from galleries.usage import register_usage_provider

        from .reviews import receivers  # noqa: F401

        # (usage reads groups' models: loaded once the registry is ready)
        from .usage import image_users

        register_usage_provider(image_users)

        # (models can't be imported before the registry is ready)
        from galleries.crypto import register_encrypted_field

        from .models import Group  # (models: only once the registry is ready)
        from .reviews.models import ChangeRequest  # (likewise)

        register_encrypted_field(Group, "login_password_encrypted", "login password")
        register_encrypted_field(
            ChangeRequest, "proposed_password_encrypted", "proposed login password"
        )
