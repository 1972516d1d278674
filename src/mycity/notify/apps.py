from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "mycity.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the Web Push channel beside e-mail.
        from mycity.notify import push  # noqa: F401
