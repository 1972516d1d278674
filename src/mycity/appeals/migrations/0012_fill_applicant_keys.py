"""Fill `Appeal.applicant_key` for appeals registered before it existed, so that repeat
appeals and stopped correspondence find the letters of earlier years too. The
normalisation is `appeals.policy.name_key`'s, frozen here as migrations must be."""

import re

from django.db import migrations

_PUNCTUATION = re.compile(r"[^\w]+")
BATCH = 2000


def _normalised(text):
    return _PUNCTUATION.sub(" ", text.casefold().replace("ё", "е")).strip()


def fill(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    after = 0
    while True:
        rows = list(
            Appeal.objects.filter(pk__gt=after, applicant_key="")
            .exclude(applicant_address="")
            .order_by("pk")
            .values_list("pk", "applicant_type", "applicant_name", "legal_name", "applicant_address")[
                :BATCH
            ]
        )
        if not rows:
            return
        for pk, kind, name, legal_name, address in rows:
            who = _normalised(legal_name if kind == "legal_entity" else name)
            where = _normalised(address)
            if who and where:
                Appeal.objects.filter(pk=pk).update(applicant_key=f"{who}|{where}"[:600])
        after = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("appeals", "0011_register_indexes")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
