from django.db import migrations, models


def scopes_their_use_implies(apps, schema_editor):
    """Before scopes, a key without a person could only post Open311 requests, and a
    personal token could do all its person could: it keeps that, and no expiry. The
    `staff` scope still acts only with the roles the person has when it is used."""
    ApiClient = apps.get_model("appeals", "ApiClient")
    ApiClient.objects.filter(user__isnull=True).update(scopes=["open311"])
    ApiClient.objects.filter(user__isnull=False).update(scopes=["public", "resident", "staff"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0017_merge_parallel_work"),
    ]

    operations = [
        migrations.AddField(
            model_name="apiclient",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apiclient",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires"),
        ),
        migrations.RunPython(scopes_their_use_implies, migrations.RunPython.noop),
    ]
