"""The Celery application: broker and results on Redis, tasks discovered in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eaeu_portal.settings.local")

app = Celery("eaeu_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The open-data jobs and the outbox drain live in the project package, which is not an installed app.
app.autodiscover_tasks(["eaeu_portal.opendata"])
app.autodiscover_tasks(["eaeu_portal"], related_name="outbox")


@app.task(name="eaeu_portal.ping", acks_late=True)
def ping() -> str:
    """Answers 'pong': lets the health check and tests see a worker do real work."""
    return "pong"
