"""Settings of the load benchmark: the development settings with debugging off, and the framework-floor view.

Request throttling is off: the benchmark measures how many requests the portal serves, not how many one client may
send (throttling has its own tests, eaeu_portal/tests/test_api_throttling.py).
"""

import tempfile
from pathlib import Path

from eaeu_portal.settings.local import *  # noqa: F403

DEBUG = False
WHITENOISE_AUTOREFRESH = False
ROOT_URLCONF = "bench.floor_urls"
API_THROTTLE_RATES = {"anon": None, "user": None, "api_key": None}
# Collected by bench/load.py before the server starts; the portal's own static folder is left alone.
STATIC_ROOT = Path(tempfile.gettempdir()) / "eaeu-portal-bench-static"
