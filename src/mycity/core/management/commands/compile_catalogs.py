from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def merged_catalog(directory: Path) -> Any:
    """django.po, then every other .po beside it (e.g. allauth.po) for msgids it lacks."""
    import polib  # a development dependency: compiling is a developer's step

    catalog = polib.pofile(str(directory / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalog}
    for extra in sorted(directory.glob("*.po")):
        if extra.name == "django.po":
            continue
        for entry in polib.pofile(str(extra)):
            if not entry.obsolete and (entry.msgctxt, entry.msgid) not in known:
                catalog.append(entry)
                known.add((entry.msgctxt, entry.msgid))
    return catalog


class Command(BaseCommand):
    help = (
        "Compile every locale's django.po, merged with the other .po files beside it, "
        "into django.mo (pure Python: no gettext needed)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for directory in sorted(Path(locale_dir).glob("*/LC_MESSAGES")):
                catalog = merged_catalog(directory)
                catalog.save_as_mofile(str(directory / "django.mo"))
                self.stdout.write(
                    f"{directory.parent.name}: {len(catalog.translated_entries())} messages"
                )
