"""Celery tasks of the directory: e-mail to users (confirmations, invitations, moderators' decisions)."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)

# A mail server that is down or refuses for a while is worth retrying; a malformed message is not.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)
# How long a sent e-mail's task id is remembered: longer than any redelivery or retry of that task.
SENT_MARK_SECONDS = 60 * 60 * 24 * 7


@shared_task(
    name="directory.send_email",
    bind=True,
    acks_late=True,
    # Nobody reads the result, and not asking for one keeps enqueueing fast while Redis is down.
    ignore_result=True,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=50,
    time_limit=60,
)
def send_email(self, *, to: list[str], subject: str, body: str) -> int:
    """Send one rendered e-mail; never lost (acks_late), and a redelivered or retried copy sends nothing more.

    Redeliveries and retries keep the task id: it marks the e-mail as sent, and it is the Message-ID, so that in
    the one remaining window (the worker dies after the mail server accepted, before the mark is written) the
    receiving side sees the same message twice and keeps one.
    """
    task_id = self.request.id
    mark = f"directory:email-sent:{task_id}" if task_id else None
    if mark and cache.get(mark):
        logger.info("E-mail %r of task %s was already sent; not sending it again.", subject, task_id)
        return 0
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">")
    headers = {"Message-ID": f"<{task_id}@{domain}>"} if task_id else {}
    sent = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, headers=headers).send()
    if mark:
        cache.set(mark, 1, timeout=SENT_MARK_SECONDS)
    logger.info("E-mail %r sent to %d recipient(s).", subject, len(to))
    return sent
