"""Signed, expiring links for e-mail confirmation; they stop working once the account is active."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "directory.accounts.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Activation changes is_active, so a confirmation link works once.
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


confirmation_token = ConfirmationTokenGenerator()
