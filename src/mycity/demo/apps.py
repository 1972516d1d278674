from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mycity.demo"
    label = "demo"
    verbose_name = "Demo data"
