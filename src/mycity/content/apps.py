from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "mycity.content"
    verbose_name = _("City information")
    default_auto_field = "django.db.models.BigAutoField"
