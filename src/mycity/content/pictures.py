"""Serving the city's pictures (news covers, photos of places and events)."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def picture(file: FieldFile) -> FileResponse:
    """A cleaned JPEG of the city's information (media files are not served by the
    static server)."""
    if not file:
        raise Http404
    return FileResponse(file.open("rb"), content_type="image/jpeg")
