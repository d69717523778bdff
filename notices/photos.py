"""A photo of the posted notice: checked by its content (JPEG or PNG only, like
cases/files.py), within its size and pixel limits, and its time taken read from EXIF.

Pillow reads the image's header only (`Image.open` is lazy): a small PNG that would unpack
to gigabytes (a decompression bomb) is refused by its declared size before any pixel is
decoded, with a message a clerk understands instead of a server error."""

import datetime
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from cases.files import UploadFacts, clean_file_name, inspect_upload, sniff_content_type

PHOTO_TYPES = ("image/jpeg", "image/png")

# EXIF: the Exif sub-IFD and its DateTimeOriginal tag (when the shutter was pressed).
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867


@dataclass(frozen=True)
class PhotoFacts:
    upload: UploadFacts
    width: int
    height: int
    taken_at: datetime.datetime | None  # from EXIF DateTimeOriginal; None when absent


def _exif_taken_at(image) -> datetime.datetime | None:
    """DateTimeOriginal ("YYYY:MM:DD HH:MM:SS", the camera's local time, taken as
    Quanzhou's time zone); None when absent or unreadable."""
    try:
        raw = image.getexif().get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL)
    except Exception:  # a broken EXIF block is no reason to refuse the photo
        return None
    if not raw:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())


def inspect_photo(upload) -> PhotoFacts:
    """Refuse what is not a usable photo, in the user's language; return its facts."""
    what = _("照片")
    if upload is not None and upload.size > settings.NOTICE_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("照片“%(name)s”超过%(limit)s MB的上限，请压缩后再上传。")
            % {"name": clean_file_name(upload.name), "limit": settings.NOTICE_PHOTO_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    if upload is not None:
        # Photos only: a PDF, though a fine attachment elsewhere, is not a photo.
        upload.seek(0)
        if sniff_content_type(upload.read(16)) not in PHOTO_TYPES:
            raise ValidationError(
                _("照片“%(name)s”不是JPEG或PNG图片（按文件内容判断），请上传手机拍摄的照片。")
                % {"name": clean_file_name(upload.name)},
                code="file_type",
            )
    facts = inspect_upload(upload, what=what, allowed=PHOTO_TYPES)
    upload.seek(0)
    limit = settings.NOTICE_PHOTO_MAX_PIXELS
    refused = ValidationError(
        _("照片“%(name)s”的像素过多（超过%(limit)s万像素），无法处理；请用手机正常拍摄的照片。")
        % {"name": facts.name, "limit": limit // 10_000},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > limit:
                    raise refused
                image.verify()  # the structure and checksums (must come right after opening)
            upload.seek(0)
            with Image.open(upload) as image:
                taken_at = _exif_taken_at(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refused from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("照片“%(name)s”已损坏或无法识别，请重新拍摄上传。") % {"name": facts.name}, code="broken_image"
        ) from exc
    finally:
        upload.seek(0)
    return PhotoFacts(upload=facts, width=width, height=height, taken_at=taken_at)
