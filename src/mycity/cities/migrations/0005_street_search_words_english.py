"""Streets are found by their English names too: the address suggestions of the English
pages fill in "st. Lenina, 11", which must be found again when the form is sent."""

from django.db import migrations

BATCH = 2000


def index_english_names(apps, schema_editor):
    from mycity.cities.text import search_words

    Street = apps.get_model("cities", "Street")
    changed = []
    for street in Street.objects.only("name_ru", "name_be", "name_en").iterator(BATCH):
        street.search_words = search_words(street.name_ru, street.name_be, street.name_en)
        changed.append(street)
        if len(changed) == BATCH:
            Street.objects.bulk_update(changed, ["search_words"])
            changed = []
    Street.objects.bulk_update(changed, ["search_words"])


class Migration(migrations.Migration):
    dependencies = [("cities", "0004_registration_format")]

    operations = [migrations.RunPython(index_english_names, migrations.RunPython.noop)]
