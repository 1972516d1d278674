# What a person types is read as Django's British module reads it; shown as CLDR says.
from django.conf.locale.en_GB.formats import *  # noqa: F403

from mycity.core.formats import django_formats

globals().update(django_formats("en"))
