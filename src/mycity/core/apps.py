from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mycity.core"
    label = "core"
    verbose_name = "mycity core"
