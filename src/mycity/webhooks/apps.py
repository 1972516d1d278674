from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "mycity.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        # The outbox process (deliver_notifications) works off webhook messages too.
        from mycity.notify.outboxes import register_outbox
        from mycity.webhooks.delivery import deliver_due

        register_outbox("webhooks", deliver_due)
