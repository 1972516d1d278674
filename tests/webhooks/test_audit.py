"""Every change of an endpoint by staff is in the city's audit trail, never its secret."""

from mycity.core.models import SetupChange
from mycity.webhooks import services


def test_each_change_is_audited_without_the_secret(city, city_admin):
    endpoint = services.register_endpoint(
        actor=city_admin,
        city=city,
        organisation=None,
        url="https://hooks.example.org/a",
        events=["appeal.registered"],
    )
    services.update_endpoint(
        actor=city_admin,
        endpoint=endpoint,
        url="https://hooks.example.org/b",
        events=["appeal.registered"],
    )
    services.pause_endpoint(actor=city_admin, endpoint=endpoint)
    services.resume_endpoint(actor=city_admin, endpoint=endpoint)
    old_secret = endpoint.secret
    services.rotate_secret(actor=city_admin, endpoint=endpoint)
    services.delete_endpoint(actor=city_admin, endpoint=endpoint)
    rows = list(SetupChange.objects.filter(action__startswith="webhook.").order_by("pk"))
    assert [r.action for r in rows] == [
        "webhook.registered",
        "webhook.changed",
        "webhook.paused",
        "webhook.resumed",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]
    assert rows[1].before == {"url": "https://hooks.example.org/a"}
    assert rows[1].after == {"url": "https://hooks.example.org/b"}
    assert all(r.actor == city_admin for r in rows)
    everything = " ".join(f"{r.before} {r.after} {r.subject}" for r in rows)
    assert old_secret not in everything and endpoint.secret not in everything
