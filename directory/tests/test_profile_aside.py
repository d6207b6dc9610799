"""The side column every profile shares: the approved logo for everyone, the history link for staff only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from clusters.tests.factories import ClusterFactory
from directory.registration.logos import logo_upload

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_staff_see_the_history_link_and_the_public_does_not(client):
    cluster = ClusterFactory()
    url = reverse("clusters:detail", args=[cluster.pk])
    history = reverse("registration:history", args=["cluster", cluster.pk])
    assert history not in client.get(url).content.decode()
    client.force_login(get_user_model().objects.create_user("staff", is_staff=True))
    assert history in client.get(url).content.decode()


def test_only_an_approved_logo_is_shown(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cluster = ClusterFactory()
    logo = logo_upload(record=cluster, user=None, upload=png())
    url = reverse("clusters:detail", args=[cluster.pk])
    logo_url = reverse("registration:logo", args=[logo.pk])
    assert logo_url not in client.get(url).content.decode()
    logo.approved_at = timezone.now()
    logo.save()
    assert logo_url in client.get(url).content.decode()
