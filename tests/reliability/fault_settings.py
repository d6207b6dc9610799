"""Settings of the portal, worker and beat processes that the fault tests start.

The test settings, with two differences a fault needs: e-mail goes over SMTP to the tests' own mail server (the
in-memory backend cannot be seen from another process), and a message whose worker was killed becomes visible
again after seconds instead of the production hour, so redelivery fits in a test.
"""

from eaeu_portal.settings.test import *  # noqa: F403
from eaeu_portal.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 30
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("FAULTS_VISIBILITY_TIMEOUT", default=8),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # A worker killed during its restore sweep leaves the sweep's lock in Redis until it expires (5 minutes by
    # default, against the production hour of visibility): expire it as fast as the rest, or no worker restores.
    "unacked_mutex_expire": 3,
}
