"""Issuing, finding and revoking API keys: the key is shown once, only its digest is kept."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from directory.models import ApiKey, ApiKeyScope

KEY_PREFIX = "eaeu"
PREFIX_LENGTH = 8


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """'eaeu_<prefix>_<secret>' → (prefix, secret), or None for anything else."""
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1], parts[2]


@transaction.atomic
def api_key_issue(
    *, name: str, user, scope: str = ApiKeyScope.READ, issued_by=None, expires_at=None
) -> tuple[ApiKey, str]:
    """Creates a key and returns it with its secret, which is not stored and cannot be shown again."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        name=name,
        user=user,
        scope=scope,
        prefix=prefix,
        key_digest=digest(key),
        created_by=issued_by,
        expires_at=expires_at,
    )
    api_key.full_clean()
    api_key.save()
    return api_key, key


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revokes the key at once; requests with it fail from the next one on."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_find(key: str) -> ApiKey | None:
    """The active key matching `key`, compared in constant time; None when unknown, revoked or expired."""
    parts = split_key(key)
    if parts is None:
        return None
    api_key = ApiKey.objects.active().select_related("user").filter(prefix=parts[0]).first()
    if api_key is None or not hmac.compare_digest(api_key.key_digest, digest(key.strip())):
        return None
    return api_key
