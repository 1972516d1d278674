"""Checking and cleaning the files a resident uploads with an appeal.

A file's type is told by its content (Pillow or pypdf opening it), never by its name or
the content type the client sent. Every accepted photo is decoded and encoded anew as a
JPEG, which leaves behind all it carried besides the pixels (EXIF with GPS position and
device, XMP, comments, colour profiles). PDF attachments are kept byte for byte once
pypdf has opened them.

Refusals are domain errors (`mycity.appeals.errors`) carrying the caller's `field`, so
a bad file becomes a 400 (413 for size), never a 500.
"""

import io
from dataclasses import dataclass
from typing import Protocol

import pillow_heif
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter, ImageOps
from pypdf import PdfReader

from mycity.appeals.errors import FileTooLarge, ImageTooLarge, UnsupportedFile
from mycity.core.errors import DomainError

pillow_heif.register_heif_opener()

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_LONG_SIDE = 2560
THUMBNAIL_LONG_SIDE = 320
JPEG_QUALITY = 85
# A moderator's blur: the Gaussian's radius as a share of the long side (1/40 of a
# 1600-pixel photo is 40 pixels), never under BLUR_MIN_RADIUS. Faces and number
# plates, a few dozen pixels across, are smeared into their surroundings.
BLUR_SHARE = 1 / 40
BLUR_MIN_RADIUS = 12

# Pillow's names of the formats a photo may come in; nothing else is even tried.
# A camera's JPEG with a second picture inside opens as MPO, a kind of JPEG.
_PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
_AS_JPEG = {"MPO": "JPEG"}
PHOTO_FORMATS_SHOWN = "JPEG, PNG, WebP, HEIC"
ATTACHMENT_FORMATS_SHOWN = "PDF, JPEG, PNG, WebP, HEIC"

_READ_BLOCK = 1024 * 1024
# A PDF starts with its header. PDF readers look for it anywhere in the first
# kilobyte, so bytes before it could make the file an HTML page as well (a polyglot)
# for a browser that sniffs: only a header at the very start is a PDF here.
_PDF_HEADER = b"%PDF-"


class Upload(Protocol):
    """What is read of an upload: Django's `UploadedFile` is one."""

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class CleanImage:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"
    original_format: str

    extension = "jpg"


@dataclass(frozen=True, kw_only=True, slots=True)
class CleanAttachment:
    """A PDF as it came (`pages` set) or a photo cleaned to a JPEG (sizes and thumbnail set)."""

    content: bytes
    content_type: str
    extension: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    pages: int | None = None


def clean_photo(upload: Upload, *, field: str) -> CleanImage:
    """The photo re-encoded as a JPEG without metadata, or a refusal for `field`."""
    data = _read_capped(upload, field=field)
    return _clean_image(data, field=field, formats_shown=PHOTO_FORMATS_SHOWN)


def clean_attachment(upload: Upload, *, field: str) -> CleanAttachment:
    """A PDF kept as it is, or a photo cleaned as `clean_photo` does; else a refusal."""
    data = _read_capped(upload, field=field)
    if data.startswith(_PDF_HEADER):
        pages = _count_pdf_pages(data, field=field)
        return CleanAttachment(
            content=data, content_type="application/pdf", extension="pdf", pages=pages
        )
    image = _clean_image(data, field=field, formats_shown=ATTACHMENT_FORMATS_SHOWN)
    return CleanAttachment(
        content=image.content,
        content_type=image.content_type,
        extension=image.extension,
        thumbnail=image.thumbnail,
        width=image.width,
        height=image.height,
    )


def _read_capped(upload: Upload, *, field: str) -> bytes:
    """The upload's bytes, reading no more than one byte past the cap whatever it declares."""
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise FileTooLarge(field=field, limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    seek = getattr(upload, "seek", None)
    if callable(seek):
        seek(0)
    buffer = bytearray()
    while len(buffer) <= MAX_FILE_BYTES:
        block = upload.read(min(_READ_BLOCK, MAX_FILE_BYTES + 1 - len(buffer)))
        if not block:
            break
        buffer += block
    if len(buffer) > MAX_FILE_BYTES:
        raise FileTooLarge(field=field, limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    return bytes(buffer)


def _clean_image(data: bytes, *, field: str, formats_shown: str) -> CleanImage:
    image = None
    try:
        image = Image.open(io.BytesIO(data), formats=_PHOTO_FORMATS)
        # Only the header has been read so far: the size is known, no pixel decoded.
        # This is our own limit, whatever Pillow's global MAX_IMAGE_PIXELS says.
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise _image_too_large(field)
        original_format = _AS_JPEG.get(image.format or "", image.format or "")
        # A large JPEG is decoded straight at 1/2, 1/4 or 1/8 scale when that still
        # leaves the long side at least MAX_LONG_SIDE; other formats ignore this.
        image.draft(None, (MAX_LONG_SIDE, MAX_LONG_SIDE))
        image.load()
        picture = _upright_rgb(image)
    except DomainError:
        _close(image)
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own bomb check, run while opening: an error past twice its global
        # limit, a warning past it (an exception where warnings are errors). Our own
        # check above refuses these sizes anyway when the warning is only a warning.
        _close(image)
        raise _image_too_large(field) from exc
    except Exception as exc:
        # Whatever a decoder raises on a file that is not a whole picture of an
        # accepted format (UnidentifiedImageError, truncated data, broken chunks).
        _close(image)
        raise UnsupportedFile(field=field, formats=formats_shown) from exc

    try:
        picture.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
        return CleanImage(
            content=_encode_jpeg(picture),
            thumbnail=_encode_jpeg(_thumbnail_of(picture)),
            width=picture.width,
            height=picture.height,
            original_format=original_format,
        )
    finally:
        # Closing frees the pixels, so only once everything is encoded.
        image.close()


def _close(image: Image.Image | None) -> None:
    if image is not None:
        image.close()


def _image_too_large(field: str) -> ImageTooLarge:
    return ImageTooLarge(field=field, limit_megapixels=MAX_IMAGE_PIXELS // 1_000_000)


def _upright_rgb(image: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says, in RGB, transparency on white:
    `image` itself when it is already so (a copy of a 2 MP picture costs ~3 ms)."""
    ImageOps.exif_transpose(image, in_place=True)
    picture = image
    if picture.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits (a plain conversion would clip it to white).
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if picture.has_transparency_data:
        rgba = picture.convert("RGBA")
        picture = Image.new("RGB", rgba.size, "white")
        picture.paste(rgba, mask=rgba.getchannel("A"))
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def _thumbnail_of(picture: Image.Image) -> Image.Image:
    """A new, smaller picture (resize, not thumbnail(): no copy of the large one first)."""
    scale = min(1.0, THUMBNAIL_LONG_SIDE / max(picture.size))
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    # reducing_gap=1: shrink by a whole factor (a box filter) as far as it goes, then
    # resample the rest; for a 320 px preview it looks the same as a full LANCZOS pass
    # and takes 2 ms instead of 20 (a 1600x1200 photo).
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.0)


def _encode_jpeg(picture: Image.Image) -> bytes:
    # Pillow carries some of `info` (the comment) into what it saves: start clean.
    picture.info = {}
    out = io.BytesIO()
    # Baseline, without Huffman optimisation: progressive + optimize made files ~5 %
    # smaller and took twice as long to write, on the submission's critical path.
    picture.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _count_pdf_pages(data: bytes, *, field: str) -> int:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnsupportedFile(
                _("The PDF is protected with a password; upload it without the protection."),
                field=field,
            )
        pages = len(reader.pages)
    except DomainError:
        raise
    except Exception as exc:
        # pypdf raises many kinds of error on a broken file; any of them is a refusal.
        raise UnsupportedFile(field=field, formats=ATTACHMENT_FORMATS_SHOWN) from exc
    if pages < 1:
        raise UnsupportedFile(field=field, formats=ATTACHMENT_FORMATS_SHOWN)
    return pages


def blur_image(data: bytes) -> CleanImage:
    """A stored photo blurred all over, so that no face or number plate in it can be
    read, as a new JPEG with its thumbnail made from the blurred picture."""
    with Image.open(io.BytesIO(data), formats=_PHOTO_FORMATS) as image:
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            raise _image_too_large("file")
        image.load()
        picture = _upright_rgb(image)
        # filter() makes a new picture: closing `image` then leaves it whole.
        radius = max(BLUR_MIN_RADIUS, round(max(picture.size) * BLUR_SHARE))
        picture = picture.filter(ImageFilter.GaussianBlur(radius))
    thumbnail = _thumbnail_of(picture)
    return CleanImage(
        content=_encode_jpeg(picture),
        thumbnail=_encode_jpeg(thumbnail),
        width=picture.width,
        height=picture.height,
        original_format="JPEG",
    )
