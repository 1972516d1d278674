import os
import signal
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from mycity.notify.models import Delivery
from tests.notify.helpers import notify_about


@pytest.mark.django_db
def test_the_command_drains_the_outbox_once(resident, dispatcher):
    notify_about(resident)
    notify_about(dispatcher)
    out = StringIO()
    call_command("deliver_notifications", stdout=out)
    assert len(mail.outbox) == 2
    assert "sent 2" in out.getvalue()
    assert not Delivery.objects.exclude(state="sent").exists()


@pytest.mark.django_db(transaction=True)
def test_the_loop_stops_cleanly_on_sigterm(resident, settings):
    # A task backend that only records: the delivery waits for the command.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    notify_about(resident)
    assert mail.outbox == []
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    out = StringIO()
    try:
        call_command("deliver_notifications", "--loop", "--interval", "0.05", stdout=out)
    finally:
        timer.cancel()
    assert out.getvalue().rstrip().endswith("Stopped.")
    assert len(mail.outbox) == 1
    assert signal.getsignal(signal.SIGTERM) is previous
