from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "mycity.reception"
    label = "reception"
    verbose_name = _("Personal reception of citizens")
