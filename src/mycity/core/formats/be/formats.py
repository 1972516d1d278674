from mycity.core.formats import django_formats

globals().update(django_formats("be"))
