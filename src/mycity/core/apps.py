from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mycity.core"
    label = "core"
    verbose_name = "mycity core"

    def ready(self) -> None:
        from mycity.core import checks  # noqa: F401 (registers the deploy checks)
