import pytest

from tests.notify.helpers import notify_about


@pytest.fixture
def operator(db, django_user_model):
    return django_user_model.objects.create_superuser("ops@example.org", "correct-horse-battery")


@pytest.mark.parametrize("model", ["notification", "delivery"])
def test_the_operator_can_list_and_open_the_outbox_read_only(client, operator, resident, model):
    notification = notify_about(resident)
    pk = notification.pk if model == "notification" else notification.deliveries.get().pk
    client.force_login(operator)
    assert client.get(f"/admin/notify/{model}/").status_code == 200
    page = client.get(f"/admin/notify/{model}/{pk}/change/")
    assert page.status_code == 200
    assert b'type="submit"' not in page.content.split(b'id="content"')[1]
    assert client.get(f"/admin/notify/{model}/add/").status_code == 403
