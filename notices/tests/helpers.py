"""Photos built in memory with Pillow for the notice's tests."""

import datetime
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

DATETIME_ORIGINAL = 36867
EXIF_IFD = 0x8769


def jpeg(name="张贴.jpg", *, taken: datetime.datetime | None = None, size=(64, 48)) -> SimpleUploadedFile:
    """A JPEG; with `taken`, its EXIF DateTimeOriginal (as a phone writes it)."""
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 180, 40))
    kwargs = {}
    if taken is not None:
        exif = Image.Exif()
        exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
        kwargs["exif"] = exif.tobytes()
    image.save(buffer, "JPEG", **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name="张贴.png", size=(32, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def png_claiming(width: int, height: int, name="炸弹.png") -> SimpleUploadedFile:
    """A few hundred bytes whose header claims width × height pixels: a decompression bomb
    as far as any decoder that trusts the header is concerned."""
    data = bytearray(png(name).read())
    # IHDR: 8-byte signature, 4-byte length, b"IHDR", then width and height, then 5 bytes.
    start = 8 + 4
    data[start + 4 : start + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[start : start + 4 + 13])) & 0xFFFFFFFF
    data[start + 4 + 13 : start + 4 + 13 + 4] = struct.pack(">I", crc)
    return SimpleUploadedFile(name, bytes(data), content_type="image/png")
