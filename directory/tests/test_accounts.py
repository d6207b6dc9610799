"""Sign-up with e-mail confirmation, sign-in throttling, passwords, and invitations to co-edit."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from clusters.tests.factories import ClusterFactory
from directory import access
from directory.accounts import services
from directory.models import Invitation
from directory.tests.registration_support import PASSWORD, UserFactory, eager_tasks, manager  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
User = get_user_model()


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def sign_up(client, django_capture_on_commit_callbacks, email="Anna.Petrova@Example.org", password=PASSWORD):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("accounts:sign-up"),
            {"email": email, "full_name": "Anna Petrova", "password1": password, "password2": password},
        )


def test_sign_up_makes_an_inactive_account_and_sends_a_confirmation_link(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    user = User.objects.get()
    assert not user.is_active and user.username == "anna.petrova@example.org" and user.first_name == "Anna"
    assert mail.outbox[0].to == ["Anna.Petrova@example.org"]
    assert "/accounts/confirm/" in link_in(mail.outbox[0])


def test_confirming_activates_signs_in_and_makes_a_manager_once(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = path_of(link_in(mail.outbox[0]))

    response = client.get(link)

    user = User.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registration:start")
    assert user.is_active and user.groups.filter(name=access.MANAGERS_GROUP).exists()
    assert client.get(reverse("registration:my-entries")).status_code == 200
    client.logout()
    assert client.get(link).status_code == 400


def test_a_forged_confirmation_link_is_refused(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    user = User.objects.get()
    response = client.get(reverse("accounts:confirm", args=["MQ", "forged-token"]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_an_unconfirmed_account_cannot_sign_in(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    response = client.post(reverse("accounts:login"), {"username": "anna.petrova@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_up_refuses_a_known_e_mail_and_a_weak_password(client, django_capture_on_commit_callbacks):
    UserFactory(username="taken@example.org", email="taken@example.org")
    response = sign_up(client, django_capture_on_commit_callbacks, email="TAKEN@example.org")
    assert "already exists" in response.content.decode()
    response = sign_up(client, django_capture_on_commit_callbacks, email="new@example.org", password="12345678")
    html = response.content.decode()
    assert "too common" in html or "entirely numeric" in html
    assert User.objects.count() == 1
    assert not mail.outbox


def test_sign_in_by_e_mail_in_any_case_and_sign_out(client):
    UserFactory(username="ivan@example.org", email="ivan@example.org")
    response = client.post(reverse("accounts:login"), {"username": "Ivan@Example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("registration:my-entries")
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_the_account_out(client, settings):
    UserFactory(username="target@example.org", email="target@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "target@example.org", "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": "target@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_goes_through_the_queue_and_its_link_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(username="olga@example.org", email="olga@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "olga@example.org"})
    link = path_of(link_in(mail.outbox[0]))
    form_page = client.get(link, follow=True)
    new_password = "another-long-passphrase-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    new_password = "brand-new-passphrase-99"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


# --- Invitations -------------------------------------------------------------------------------
def invite(client, django_capture_on_commit_callbacks, email="colleague@example.org"):
    owner = manager()
    cluster = ClusterFactory(created_by=owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:invite", args=["cluster", cluster.pk]), {"email": email})
    client.logout()
    return cluster, path_of(link_in(mail.outbox[-1]))


def test_an_invited_colleague_accepts_and_becomes_a_co_editor(client, django_capture_on_commit_callbacks):
    cluster, link = invite(client, django_capture_on_commit_callbacks)
    colleague = UserFactory(username="colleague@example.org", email="colleague@example.org")
    assert Invitation.objects.get().token_digest not in link

    client.force_login(colleague)
    response = client.post(link)

    assert response.status_code == 302
    assert access.user_manages(colleague, cluster)
    assert client.post(link).status_code == 404


def test_an_invitation_cannot_be_accepted_by_another_address(client, django_capture_on_commit_callbacks):
    cluster, link = invite(client, django_capture_on_commit_callbacks)
    intruder = UserFactory()
    client.force_login(intruder)
    client.post(link)
    assert not access.user_manages(intruder, cluster)


def test_an_expired_invitation_is_refused(client, django_capture_on_commit_callbacks):
    cluster, link = invite(client, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    colleague = UserFactory(username="colleague@example.org", email="colleague@example.org")
    client.force_login(colleague)
    assert client.post(link).status_code == 404
    assert not access.user_manages(colleague, cluster)


def test_only_a_manager_can_invite(client):
    cluster = ClusterFactory(created_by=manager())
    client.force_login(manager())
    response = client.post(reverse("registration:invite", args=["cluster", cluster.pk]), {"email": "x@example.org"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    with pytest.raises(PermissionDenied):
        services.invitation_create(record=cluster, email="x@example.org", invited_by=manager())
