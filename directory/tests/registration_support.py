"""Users in each role and a queue that runs tasks at once: shared by the registration and moderation tests."""

import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from directory import access

PASSWORD = "correct-horse-battery-staple-17"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}@example.org")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


def manager(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=access.MANAGERS_GROUP)[0])
    return user


def moderator(*countries, **kwargs):
    user = UserFactory(**kwargs)
    for country in countries:
        access.moderator_scope_add(user=user, country=country)
    return user


def administrator(**kwargs):
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


@pytest.fixture
def eager_tasks():
    """Celery runs tasks in the calling process, so e-mails land in the test outbox."""
    from eaeu_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
