"""Accounts: sign-up with e-mail confirmation, and invitations to co-edit a record."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from directory import access
from directory.models import Invitation
from directory.workflow import absolute_url, email_send

from .tokens import confirmation_token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def user_sign_up(*, email: str, password: str, full_name: str = ""):
    """An inactive account and a confirmation e-mail; the account works once the link in it is opened."""
    email = get_user_model().objects.normalize_email(email).strip()
    user_model = get_user_model()
    if (
        user_model.objects.filter(email__iexact=email).exists()
        or user_model.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": _("An account with this e-mail already exists. Sign in or reset the password.")}
        )
    first_name, _sep, last_name = full_name.strip().partition(" ")
    user = user_model(username=email.lower(), email=email, is_active=False, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = absolute_url(reverse("accounts:confirm", args=[uid, confirmation_token.make_token(user)]))
    email_send(to=[user.email], template="confirm_email", context={"user": user, "link": link})
    return user


@transaction.atomic
def user_confirm(*, user, token: str):
    """Activate the account and make its holder a cluster manager; an old or used link changes nothing."""
    if user.is_active or not confirmation_token.check_token(user, token):
        raise ValidationError(_("This confirmation link is invalid or has expired."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    user.groups.add(Group.objects.get_or_create(name=access.MANAGERS_GROUP)[0])
    return user


@transaction.atomic
def invitation_create(*, record: Model, email: str, invited_by) -> Invitation:
    """Invite a colleague by e-mail to co-edit a record the inviter manages; the link is valid for a while."""
    if not access.user_manages(invited_by, record):
        raise PermissionDenied(_("Only the entry's managers can invite co-editors."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        email=email,
        token_digest=_digest(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.REGISTRATION_INVITATION_DAYS),
    )
    link = absolute_url(reverse("accounts:invitation", args=[token]))
    email_send(
        to=[email],
        template="invitation",
        context={"record": record, "inviter": invited_by, "link": link, "expires_at": invitation.expires_at},
    )
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("content_type").filter(token_digest=_digest(token)).first()


@transaction.atomic
def invitation_accept(*, token: str, user) -> Invitation:
    """Make the signed-in user a co-editor; only the invited address can accept, and only once."""
    invitation = invitation_by_token(token)
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("This invitation is invalid, already used or expired."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation is invalid, already used or expired."))
    if (user.email or "").lower() != invitation.email.lower():
        raise PermissionDenied(
            _("This invitation was sent to %(email)s: sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    access.grant_create(record=invitation.target, user=user, granted_by=invitation.invited_by)
    user.groups.add(Group.objects.get_or_create(name=access.MANAGERS_GROUP)[0])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation
