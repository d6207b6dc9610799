"""Management commands of the directory app."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import Country, Region

pytestmark = pytest.mark.django_db


# --- load_reference ---------------------------------------------------------------------------------------------
def test_load_reference_prints_what_it_created_then_that_nothing_changed():
    first, second = StringIO(), StringIO()

    call_command("load_reference", stdout=first)
    call_command("load_reference", stdout=second)

    assert "regions: 257 created, 0 updated, 0 unchanged" in first.getvalue()
    assert "406 created, 0 updated" in first.getvalue()
    assert "regions: 0 created, 0 updated, 257 unchanged" in second.getvalue()
    assert "0 created, 0 updated." in second.getvalue()
    assert Region.objects.count() == 257


def test_load_reference_reports_a_bad_folder_as_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("load_reference", path=tmp_path / "missing", stdout=StringIO())
    assert not Country.objects.exists()
