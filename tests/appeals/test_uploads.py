"""Specification of checking and cleaning the files uploaded with an appeal."""

import io
import struct
import warnings
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image
from pypdf import PdfWriter

from mycity.appeals.errors import FileTooLarge, ImageTooLarge, UnsupportedFile
from mycity.appeals.uploads import (
    MAX_FILE_BYTES,
    MAX_LONG_SIDE,
    THUMBNAIL_LONG_SIDE,
    clean_attachment,
    clean_photo,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in their English source text.
    with translation.override("en"):
        yield


def picture(size=(400, 300), colour=RED, mode="RGB"):
    return Image.new(mode, size, colour)


def encoded(image, fmt, **params):
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def opened(content):
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def exif_with_gps_and_device():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 29.0, 10.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (28.0, 47.0, 5.0)
    return exif


def png_declaring(width, height):
    """A tiny PNG whose header claims the given size (its pixels are never there)."""
    content = bytearray(encoded(picture((1, 1), mode="L", colour=0), "PNG"))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(content[24:29])
    content[12:29] = header
    content[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(content)


def pdf(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class LyingUpload:
    """An upload that declares a small size and holds far more, counting what is read."""

    def __init__(self, content, size):
        self.file = io.BytesIO(content)
        self.size = size
        self.bytes_read = 0

    def seek(self, offset, whence=0):
        return self.file.seek(offset, whence)

    def read(self, size=-1, /):
        block = self.file.read(size)
        self.bytes_read += len(block)
        return block


class UnreadableUpload:
    size = MAX_FILE_BYTES + 1

    def read(self, size=-1, /):
        raise AssertionError("a file declared too large must not be read")


# Accepted formats


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_comes_out_as_jpeg(fmt):
    clean = clean_photo(upload(encoded(picture(), fmt), name="upload.bin"), field="photos[0]")

    assert clean.content_type == "image/jpeg"
    assert clean.original_format == fmt
    result = opened(clean.content)
    assert result.format == "JPEG"
    assert result.mode == "RGB"
    assert result.size == (clean.width, clean.height) == (400, 300)


def test_heic_photo_keeps_its_pixels():
    content = encoded(picture((320, 240), colour=BLUE), "HEIF", quality=90)

    clean = clean_photo(upload(content, name="IMG_0001.HEIC"), field="photos[0]")

    red, green, blue = opened(clean.content).getpixel((160, 120))
    assert blue > 180
    assert red < 60
    assert green < 60


def test_type_is_told_by_content_not_by_name_or_content_type():
    content = encoded(picture(), "PNG")

    clean = clean_photo(
        upload(content, name="report.pdf", content_type="application/pdf"), field="f"
    )

    assert clean.original_format == "PNG"


def test_camera_jpeg_with_a_second_picture_is_a_jpeg():
    first, second = picture(), picture(colour=BLUE)
    content = encoded(first, "MPO", save_all=True, append_images=[second])

    clean = clean_photo(upload(content), field="photos[0]")

    assert clean.original_format == "JPEG"


# Metadata


def test_exif_gps_and_device_are_stripped():
    content = encoded(picture(), "JPEG", exif=exif_with_gps_and_device())
    assert opened(content).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has them

    clean = clean_photo(upload(content), field="photos[0]")

    result = opened(clean.content)
    assert not result.getexif()
    assert "exif" not in result.info


def test_xmp_comment_and_colour_profile_are_stripped():
    content = encoded(
        picture(),
        "JPEG",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret place</x:xmpmeta>',
        comment=b"shot at 12 Lenin Street",
        icc_profile=b"\0" * 128,
    )

    clean = clean_photo(upload(content), field="photos[0]")

    info = opened(clean.content).info
    assert "xmp" not in info
    assert "comment" not in info
    assert "icc_profile" not in info
    assert b"secret place" not in clean.content
    assert b"Lenin" not in clean.content


def test_thumbnail_carries_no_metadata():
    content = encoded(picture(), "JPEG", exif=exif_with_gps_and_device(), comment=b"Lenin")

    clean = clean_photo(upload(content), field="photos[0]")

    thumbnail = opened(clean.thumbnail)
    assert not thumbnail.getexif()
    assert "comment" not in thumbnail.info


def test_exif_orientation_is_applied_to_the_pixels():
    stored = picture((200, 100), colour=RED)
    stored.paste(BLUE, (100, 0, 200, 100))  # red on the left, blue on the right
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise
    content = encoded(stored, "JPEG", exif=exif, quality=95)

    clean = clean_photo(upload(content), field="photos[0]")

    result = opened(clean.content)
    assert result.size == (100, 200)
    assert result.getpixel((50, 40))[0] > 180  # the left (red) half is now on top
    assert result.getpixel((50, 160))[2] > 180
    assert not result.getexif()


def test_transparent_png_is_laid_on_white():
    content = encoded(picture(mode="RGBA", colour=(0, 0, 0, 0)), "PNG")

    clean = clean_photo(upload(content, name="x.png"), field="photos[0]")

    assert min(opened(clean.content).getpixel((10, 10))) > 245


def test_sixteen_bit_grey_png_keeps_its_tone():
    content = encoded(picture(mode="I;16", colour=32768), "PNG")

    clean = clean_photo(upload(content, name="x.png"), field="photos[0]")

    assert 110 < opened(clean.content).getpixel((10, 10))[0] < 145


# Sizes of the result


def test_long_side_is_capped():
    clean = clean_photo(upload(encoded(picture((3200, 1600)), "PNG")), field="photos[0]")

    assert (clean.width, clean.height) == (MAX_LONG_SIDE, MAX_LONG_SIDE // 2)
    assert opened(clean.content).size == (MAX_LONG_SIDE, MAX_LONG_SIDE // 2)


def test_large_jpeg_is_capped_too():
    clean = clean_photo(upload(encoded(picture((6000, 5600)), "JPEG")), field="photos[0]")

    assert max(opened(clean.content).size) == MAX_LONG_SIDE


def test_small_photo_is_not_enlarged():
    clean = clean_photo(upload(encoded(picture((120, 80)), "JPEG")), field="photos[0]")

    assert (clean.width, clean.height) == (120, 80)


def test_thumbnail_long_side_is_320():
    clean = clean_photo(upload(encoded(picture((1000, 600)), "JPEG")), field="photos[0]")

    assert opened(clean.thumbnail).size == (THUMBNAIL_LONG_SIDE, 192)
    assert opened(clean.thumbnail).format == "JPEG"


def test_portrait_thumbnail_long_side_is_320():
    clean = clean_photo(upload(encoded(picture((600, 1000)), "WEBP")), field="photos[0]")

    assert opened(clean.thumbnail).size == (192, THUMBNAIL_LONG_SIDE)


# Refusals: size


def test_file_declared_over_20_mb_is_refused_before_reading():
    with pytest.raises(FileTooLarge) as refused:
        clean_photo(UnreadableUpload(), field="photos[2]")

    assert refused.value.code == "file_too_large"
    assert refused.value.status == 413
    assert refused.value.field == "photos[2]"
    assert "20 MB" in str(refused.value.message)


def test_file_over_20_mb_is_refused():
    content = encoded(picture(), "JPEG").ljust(MAX_FILE_BYTES + 1, b"\0")

    with pytest.raises(FileTooLarge):
        clean_photo(upload(content), field="photos[0]")


def test_file_of_exactly_20_mb_is_not_refused_for_size():
    content = encoded(picture(), "JPEG").ljust(MAX_FILE_BYTES, b"\0")

    assert clean_photo(upload(content), field="photos[0]").width == 400


def test_lying_declared_size_reads_no_more_than_one_byte_past_the_cap():
    lying = LyingUpload(b"\xff" * (MAX_FILE_BYTES * 2), size=1000)

    with pytest.raises(FileTooLarge):
        clean_photo(lying, field="photos[0]")

    assert lying.bytes_read == MAX_FILE_BYTES + 1


def test_upload_already_read_is_read_from_the_start():
    photo = upload(encoded(picture(), "JPEG"))
    photo.read()

    assert clean_photo(photo, field="photos[0]").width == 400


# Refusals: pixels


def test_image_over_40_megapixels_is_refused():
    content = encoded(picture((8000, 6000), mode="1", colour=1), "PNG")

    with pytest.raises(ImageTooLarge) as refused:
        clean_photo(upload(content, name="big.png"), field="photos[1]")

    assert refused.value.code == "image_too_large"
    assert refused.value.status == 400
    assert refused.value.field == "photos[1]"
    assert "40 megapixels" in str(refused.value.message)


def test_pixels_are_checked_from_the_header_before_decoding():
    # The header says 8000x6000 and there are no pixels: only the header was read.
    with pytest.raises(ImageTooLarge):
        clean_photo(upload(png_declaring(8000, 6000)), field="photos[0]")


def test_decompression_bomb_is_refused_with_our_error():
    with pytest.raises(ImageTooLarge):
        clean_photo(upload(png_declaring(30000, 30000)), field="photos[0]")


def test_size_in_pillows_warning_range_is_refused_with_our_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ImageTooLarge):
            clean_photo(upload(png_declaring(10000, 10000)), field="photos[0]")


def test_pillows_warning_raised_as_error_becomes_our_refusal():
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(ImageTooLarge):
            clean_photo(upload(png_declaring(10000, 10000)), field="photos[0]")


def test_pixel_limit_holds_when_pillows_own_limit_is_off(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)

    with pytest.raises(ImageTooLarge):
        clean_photo(upload(png_declaring(30000, 30000)), field="photos[0]")


# Refusals: not an accepted picture


def test_text_file_named_jpg_is_refused():
    with pytest.raises(UnsupportedFile) as refused:
        clean_photo(upload(b"just some text\n" * 100, name="x.jpg"), field="photos[0]")

    assert refused.value.code == "unsupported_file"
    assert refused.value.status == 400
    assert refused.value.field == "photos[0]"
    assert "JPEG, PNG, WebP, HEIC" in str(refused.value.message)


def test_empty_file_is_refused():
    with pytest.raises(UnsupportedFile):
        clean_photo(upload(b""), field="photos[0]")


def test_truncated_jpeg_is_refused():
    content = encoded(Image.effect_noise((400, 300), 64).convert("RGB"), "JPEG")

    with pytest.raises(UnsupportedFile):
        clean_photo(upload(content[: len(content) // 2]), field="photos[0]")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_gif_and_other_image_formats_are_refused(fmt):
    with pytest.raises(UnsupportedFile):
        clean_photo(upload(encoded(picture(), fmt), name="x.jpg"), field="photos[0]")


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'

    with pytest.raises(UnsupportedFile):
        clean_photo(upload(svg, name="x.svg", content_type="image/svg+xml"), field="photos[0]")


def test_pdf_is_not_a_photo():
    with pytest.raises(UnsupportedFile):
        clean_photo(upload(pdf(), name="x.jpg"), field="photos[0]")


# Attachments


def test_valid_pdf_is_accepted_as_it_is():
    content = pdf(pages=2)

    attachment = clean_attachment(upload(content, name="scan.bin"), field="attachments[0]")

    assert attachment.content == content
    assert attachment.content_type == "application/pdf"
    assert attachment.extension == "pdf"
    assert attachment.pages == 2
    assert attachment.thumbnail is None
    assert attachment.width is None


def test_photo_attachment_is_cleaned_like_a_photo():
    content = encoded(picture((3000, 1500)), "JPEG", exif=exif_with_gps_and_device())

    attachment = clean_attachment(upload(content), field="attachments[0]")

    result = opened(attachment.content)
    assert result.format == "JPEG"
    assert not result.getexif()
    assert attachment.content_type == "image/jpeg"
    assert attachment.extension == "jpg"
    assert (attachment.width, attachment.height) == result.size == (MAX_LONG_SIDE, 1280)
    assert max(opened(attachment.thumbnail).size) == THUMBNAIL_LONG_SIDE


def test_fake_pdf_is_refused():
    with pytest.raises(UnsupportedFile) as refused:
        clean_attachment(upload(b"%PDF-1.4 garbage", name="x.pdf"), field="attachments[1]")

    assert refused.value.field == "attachments[1]"
    assert "PDF" in str(refused.value.message)


def test_html_pdf_polyglot_is_refused():
    # A PDF reader finds the header within the first kilobyte; a browser that sniffs
    # the bytes sees an HTML page with a script.
    polyglot = b"<html><script>alert(document.cookie)</script><!--\n" + pdf()

    with pytest.raises(UnsupportedFile):
        clean_attachment(upload(polyglot, name="x.pdf"), field="attachments[0]")


def test_encrypted_pdf_is_refused():
    with pytest.raises(UnsupportedFile) as refused:
        clean_attachment(upload(pdf(password="secret"), name="x.pdf"), field="attachments[0]")

    assert refused.value.code == "unsupported_file"
    assert "password" in str(refused.value.message)


def test_pdf_without_pages_is_refused():
    with pytest.raises(UnsupportedFile):
        clean_attachment(upload(pdf(pages=0), name="x.pdf"), field="attachments[0]")


def test_truncated_pdf_is_refused():
    content = pdf(pages=3)

    with pytest.raises(UnsupportedFile):
        clean_attachment(upload(content[: len(content) // 3]), field="attachments[0]")


def test_attachment_over_20_mb_is_refused():
    content = pdf().ljust(MAX_FILE_BYTES + 1, b"\n")

    with pytest.raises(FileTooLarge):
        clean_attachment(upload(content, name="x.pdf"), field="attachments[0]")


def test_text_attachment_is_refused_naming_pdf_among_the_formats():
    with pytest.raises(UnsupportedFile) as refused:
        clean_attachment(upload(b"hello", name="x.pdf"), field="attachments[0]")

    assert "PDF, JPEG, PNG, WebP, HEIC" in str(refused.value.message)


def test_bomb_attachment_is_refused_with_our_error():
    with pytest.raises(ImageTooLarge):
        clean_attachment(upload(png_declaring(30000, 30000)), field="attachments[0]")


# Errors


def test_refusal_renders_as_the_api_error_with_its_field():
    with pytest.raises(FileTooLarge) as refused:
        clean_photo(UnreadableUpload(), field="photos[2]")

    assert refused.value.as_dict() == {
        "code": "file_too_large",
        "message": "The file is larger than 20 MB.",
        "details": [{"field": "photos[2]", "message": "The file is larger than 20 MB."}],
    }
