from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clusters.matching import selectors, services
from clusters.models import MatchingIndexVersion
from clusters.tests.factories import ClusterFactory
from directory.tests.factories import DivisionFactory, kazakhstan, russia

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("matching_rebuild", *args, stdout=out)
    return out.getvalue()


def test_inline_rebuild_builds_the_live_index_and_if_empty_then_leaves_it():
    division = DivisionFactory(code="26")
    ClusterFactory(country=russia(), primary_sector=division)
    ClusterFactory(country=kazakhstan(), primary_sector=division)
    assert "rebuilt" in run("--inline")
    active = selectors.active_version()
    assert active is not None and active.suggestions.count() == 2
    assert "already built" in run("--if-empty")
    assert selectors.active_version() == active


def test_a_second_rebuild_while_one_runs_is_refused_unless_only_asked_if_empty(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        assert "sent to the worker" in run()
        with pytest.raises(CommandError, match="already running"):
            run()
        assert "already running" in run("--if-empty")
    assert MatchingIndexVersion.objects.count() == 1


def test_the_worker_path_queues_the_build_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run()
    assert len(callbacks) == 1
    assert services.MatchingRebuildRunning  # the refusal type the start-up path relies on
