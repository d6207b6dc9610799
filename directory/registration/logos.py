"""Logos: checked by content (not by name or declared type), stored under a generated name, moderated with the entry."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from directory.models import RecordLogo

# Pillow's format name → the extension the stored file gets. SVG is refused: it can carry scripts.
ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def validate_logo(upload) -> None:
    """Raise a clear ValidationError unless the file is a PNG, JPEG or WebP image within the size limits."""
    limit = settings.REGISTRATION_LOGO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The logo is %(size).1f MB; the limit is %(limit).1f MB.")
            % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024},
            code="logo_too_large",
        )
    upload.seek(0)
    head = upload.read(512).lstrip().lower()
    upload.seek(0)
    if head.startswith(b"<?xml") or b"<svg" in head:
        raise ValidationError(_("SVG logos are not accepted: upload a PNG, JPEG or WebP image."), code="logo_svg")
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image the portal accepts: upload a PNG, JPEG or WebP image."), code="logo_type"
        ) from None
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted: upload a PNG, JPEG or WebP image.") % {"format": image_format},
            code="logo_type",
        )
    if width * height > settings.REGISTRATION_LOGO_MAX_PIXELS:
        raise ValidationError(_("The logo is too large in pixels: 4096 × 4096 at most."), code="logo_pixels")
    upload.logo_extension = ACCEPTED_FORMATS[image_format]


@transaction.atomic
def logo_upload(*, record: Model, user, upload) -> RecordLogo:
    """Store a validated logo for the record; it stays pending until the entry or its change is approved."""
    validate_logo(upload)
    logo = RecordLogo(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        uploaded_by=user,
        extension=upload.logo_extension,
    )
    logo.image.save(f"logo.{upload.logo_extension}", upload, save=False)
    logo.save()
    return logo


def logos_of(record: Model):
    return RecordLogo.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def public_logo(record: Model) -> RecordLogo | None:
    """The logo the public sees: the latest approved one."""
    return logos_of(record).filter(approved_at__isnull=False).first()


def pending_logo(record: Model) -> RecordLogo | None:
    return logos_of(record).filter(approved_at__isnull=True).first()
