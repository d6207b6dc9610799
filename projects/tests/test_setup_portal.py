from io import StringIO

import pytest
from django.core.management import call_command

from directory.models import Country, Sector
from foresight.models import Priority

pytestmark = pytest.mark.django_db


def test_setup_portal_loads_reference_and_foresight_data_and_a_second_run_changes_nothing(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("setup_portal", "--no-demo", stdout=StringIO())
    counts = (Country.objects.count(), Sector.objects.count(), Priority.objects.count())
    assert counts[0] >= 11 and counts[1] == 109 and counts[2] > 50
    assert (settings.STATIC_ROOT / "staticfiles.json").exists() or any(settings.STATIC_ROOT.iterdir())

    second = StringIO()
    call_command("setup_portal", "--no-demo", stdout=second)
    assert (Country.objects.count(), Sector.objects.count(), Priority.objects.count()) == counts
    assert "0 created, 0 updated" in second.getvalue()
