"""Accounts of the portal's users: sign-up with e-mail confirmation, sign-in, passwords, invitations to co-edit."""
