"""Names kept in Russian, Belarusian and English, shown in the active language."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

FALLBACK_LANGUAGE = "ru"


def pick_translation(values: dict[str, str], language: str | None = None) -> str:
    """The value in `language` (default: the active one), else Russian."""
    language = (language or translation.get_language() or FALLBACK_LANGUAGE)[:2]
    return values.get(language) or values.get(FALLBACK_LANGUAGE) or ""


class TranslatedName(models.Model):
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_be = models.CharField(_("name (Belarusian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> dict[str, str]:
        return {"ru": self.name_ru, "be": self.name_be, "en": self.name_en}

    @property
    def name(self) -> str:
        return pick_translation(self.names)
