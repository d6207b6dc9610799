"""Building, switching and updating the matching index in the database, and reading it back with reasons."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters import tasks
from clusters.matching import selectors, services
from clusters.matching.choices import MatchingIndexStatus
from clusters.models import MatchingClusterState, MatchingIndexChunk, MatchingIndexVersion, PartnerSuggestion
from clusters.tests.factories import ClusterFactory, MembershipFactory, PriorityFactory
from directory.choices import PublicationStatus
from directory.tests.factories import CountryFactory, DivisionFactory, OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    """Three countries, clusters in electronics, electrical equipment, vehicles, machinery and IT."""
    settings.MATCHING_TOP_K = 3
    settings.MATCHING_MIN_SCORE = 0.05
    settings.MATCHING_CHUNK_SIZE = 2
    manufacturing, information = SectorFactory(code="C"), SectorFactory(code="J")
    div = {code: DivisionFactory(code=code, parent=manufacturing) for code in ("26", "27", "28", "29")}
    div["62"] = DivisionFactory(code="62", parent=information)
    area = PriorityFactory(code="ICT", name_en="Information technologies")
    micro = PriorityFactory(code="MICRO", name_en="Microelectronics", level="priority", parent=area)
    ru = CountryFactory(iso2="RU", iso3="RUS", iso_numeric="643", name_en="Russia", name_ru="Россия")
    kz = CountryFactory(iso2="KZ", iso3="KAZ", iso_numeric="398", name_en="Kazakhstan", name_ru="Казахстан")
    by = CountryFactory(iso2="BY", iso3="BLR", iso_numeric="112", name_en="Belarus", name_ru="Беларусь")
    clusters = {
        "ru_electronics": ClusterFactory(
            country=ru,
            primary_sector=div["26"],
            technologies=[micro],
            description_en="Microelectronics, semiconductors and sensors.",
        ),
        "kz_electronics": ClusterFactory(
            country=kz,
            primary_sector=div["26"],
            technologies=[micro],
            description_en="Semiconductors and microelectronics design.",
        ),
        "ru_electronics_2": ClusterFactory(
            country=ru, primary_sector=div["26"], description_en="Electronics and sensors for industry."
        ),
        "by_vehicles": ClusterFactory(
            country=by, primary_sector=div["29"], description_en="Trucks, buses and tractors."
        ),
        "kz_electrical": ClusterFactory(
            country=kz, primary_sector=div["27"], description_en="Electric motors and batteries."
        ),
        "kz_machinery": ClusterFactory(
            country=kz, primary_sector=div["28"], description_en="Machine-tool building and metal cutting."
        ),
        "by_it": ClusterFactory(country=by, primary_sector=div["62"], description_en="Software development."),
        "draft": ClusterFactory(
            country=by, primary_sector=div["26"], draft=True, description_en="Microelectronics and semiconductors."
        ),
    }
    # What an earlier test's worker held belongs to another database state.
    services._LIVE_INDEX.clear()
    return {"div": div, "micro": micro, "ru": ru, "kz": kz, "by": by, **clusters}


def lists(version=None):
    version = version or MatchingIndexVersion.objects.get(status=MatchingIndexStatus.ACTIVE)
    result = {}
    for cluster_id, partner_id, score in (
        PartnerSuggestion.objects.filter(version=version)
        .order_by("cluster_id", "-score", "partner_id")
        .values_list("cluster_id", "partner_id", "score")
    ):
        result.setdefault(cluster_id, []).append((partner_id, round(score, 4)))
    return result


# --- Full rebuild ------------------------------------------------------------------------------
def test_inline_rebuild_activates_a_version_with_top_k_lists_for_published_clusters(world):
    version = services.matching_rebuild_inline()
    assert version.status == MatchingIndexStatus.ACTIVE
    assert version.clusters_total == 7
    assert version.chunks_total == 4
    index = lists(version)
    assert world["draft"].pk not in index
    assert all(world["draft"].pk not in [p for p, _ in partners] for partners in index.values())
    assert all(len(partners) <= 3 for partners in index.values())
    ru_partners = [p for p, _ in index[world["ru_electronics"].pk]]
    assert ru_partners[0] == world["kz_electronics"].pk
    assert all(0 <= s <= 1 for partners in index.values() for _, s in partners)


def test_foreign_partner_with_the_same_fit_ranks_above_a_home_one(world, settings):
    settings.MATCHING_TOP_K = 10
    settings.MATCHING_WEIGHTS = {"sector": 1, "technology": 0, "value_chain": 0, "text": 0, "members": 0}
    services.matching_rebuild_inline()
    partners = dict(lists()[world["ru_electronics"].pk])
    assert partners[world["kz_electronics"].pk] == pytest.approx(1.0)
    assert partners[world["ru_electronics_2"].pk] == pytest.approx(0.6)


def test_an_opted_out_cluster_keeps_its_own_suggestions_but_is_suggested_to_no_one(world):
    world["kz_electronics"].accepts_partner_suggestions = False
    world["kz_electronics"].save()
    services.matching_rebuild_inline()
    index = lists()
    assert index[world["kz_electronics"].pk]
    assert all(world["kz_electronics"].pk not in [p for p, _ in partners] for partners in index.values())


def test_a_second_rebuild_is_refused_while_one_is_building_and_nothing_is_created(world):
    running = services.matching_rebuild_start(dispatch=False)
    with pytest.raises(services.MatchingRebuildRunning) as refused:
        services.matching_rebuild_start(dispatch=False)
    assert refused.value.version == running
    assert "already running" in str(refused.value)
    assert MatchingIndexVersion.objects.count() == 1


def test_a_build_without_progress_for_too_long_is_abandoned_and_the_next_run_proceeds(world, settings):
    settings.MATCHING_REBUILD_STALE_AFTER = 60
    dead = services.matching_rebuild_start(dispatch=False)
    MatchingIndexVersion.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    version = services.matching_rebuild_start(dispatch=False)
    dead.refresh_from_db()
    assert dead.status == MatchingIndexStatus.FAILED
    assert "no progress" in dead.error
    assert version.status == MatchingIndexStatus.BUILDING


def test_rebuild_switches_readers_in_one_step_and_removes_the_old_version(world):
    first = services.matching_rebuild_inline()
    old_rows = PartnerSuggestion.objects.filter(version=first).count()
    building = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=building.pk)
    services.matching_chunk_compute(version_id=building.pk, number=0)
    # Half built: readers still see the first version, whole.
    assert selectors.active_version().pk == first.pk
    assert selectors.cluster_matches(cluster_id=world["ru_electronics"].pk).count() == 3
    assert PartnerSuggestion.objects.filter(version=first).count() == old_rows
    assert services.matching_version_activate(version_id=building.pk, dispatch=False) is False
    for number in range(1, building.chunks_total if building.chunks_total else 4):
        services.matching_chunk_compute(version_id=building.pk, number=number)
    assert services.matching_version_activate(version_id=building.pk, dispatch=False) is True
    assert selectors.active_version().pk == building.pk
    assert services.matching_versions_cleanup() == 1
    assert not MatchingIndexVersion.objects.filter(pk=first.pk).exists()
    assert not PartnerSuggestion.objects.filter(version_id=first.pk).exists()


def _rebuilt():
    return services.matching_rebuild_inline()


def _built_beside_a_live_one():
    """A version with every chunk written, not yet switched to, while a first version serves."""
    services.matching_rebuild_inline()
    version = services.matching_rebuild_start(dispatch=False)
    for number in range(services.matching_version_prepare(version_id=version.pk)):
        services.matching_chunk_compute(version_id=version.pk, number=number)
    return version


def _relation(table):
    """Whether a table is a partition of the suggestions, its number of indexes, and its foreign keys."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relispartition,
                      (SELECT count(*) FROM pg_index WHERE indrelid = c.oid),
                      (SELECT count(*) FROM pg_constraint WHERE conrelid = c.oid AND contype = 'f')
               FROM pg_class AS c WHERE c.oid = to_regclass(%s)""",
            [table],
        )
        return cursor.fetchone()


def test_a_version_is_loaded_bare_and_attached_with_its_indexes_and_keys_when_it_goes_live(world):
    version = _built_beside_a_live_one()
    table = services.partition_table(version.pk)
    # While building: a table of its own with nothing to maintain per row, invisible to readers.
    assert _relation(table) == (False, 0, 0)
    assert not PartnerSuggestion.objects.filter(version=version).exists()
    built = _rows(version)
    assert services.matching_version_activate(version_id=version.pk, dispatch=False) is True
    # Live: a partition with the key, the index of the model and the three foreign keys.
    assert _relation(table) == (True, 2, 3)
    live = PartnerSuggestion.objects.filter(version=version).order_by("cluster_id", "partner_id")
    assert [(s.cluster_id, s.partner_id, s.score) for s in live] == [row[:3] for row in built] and built
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(table)} "
                "(version_id, cluster_id, partner_id, score, sector_score, technology_score, value_chain_score,"
                " text_score, members_score) VALUES (%s, %s, -1, 0.5, 0, 0, 0, 0, 0)",
                [version.pk, world["ru_electronics"].pk],
            )


def test_a_cluster_deleted_during_a_build_leaves_the_new_version_and_the_lists_naming_it_are_refilled(world):
    version = _built_beside_a_live_one()
    gone = world["kz_electronics"].pk
    assert any(gone in row[:2] for row in _rows(version))
    world["kz_electronics"].delete()
    assert services.matching_version_activate(version_id=version.pk, dispatch=False) is True
    assert not any(gone in row[:2] for row in _rows(version))
    # Every list that lost the cluster, in the old version or only in the new one, is refilled.
    services.matching_update_dirty_batch(batch_size=50)
    refreshed = {cluster: {partner for partner, _ in partners} for cluster, partners in lists(version).items()}
    full = {cluster: {partner for partner, _ in partners} for cluster, partners in lists(_rebuilt()).items()}
    assert refreshed == full and gone not in refreshed


def test_cleanup_drops_the_tables_of_retired_and_failed_versions_and_of_versions_that_are_gone(world):
    first = services.matching_rebuild_inline()
    failed = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=failed.pk)
    services.matching_version_fail(version_id=failed.pk, error="worker lost")
    services._create_version_table(failed.pk + 1000)
    assert set(services._version_tables()) == {first.pk, failed.pk, failed.pk + 1000}
    second = services.matching_rebuild_inline()
    assert set(services._version_tables()) == {second.pk}
    assert list(MatchingIndexVersion.objects.values_list("pk", flat=True)) == [second.pk]
    assert PartnerSuggestion.objects.filter(version=second).count() == len(_rows(second)) > 0


def test_a_redelivered_chunk_writes_the_same_rows_and_counts_once(world):
    version = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=version.pk)
    assert services.matching_chunk_compute(version_id=version.pk, number=1) > 0
    before = _rows(version)
    assert services.matching_chunk_compute(version_id=version.pk, number=1) == 0
    assert _rows(version) == before and before
    assert MatchingIndexChunk.objects.filter(version=version).count() == 1


def test_a_redelivered_prepare_keeps_the_snapshot_its_chunks_were_computed_from(world):
    version = services.matching_rebuild_start(dispatch=False)
    assert services.matching_version_prepare(version_id=version.pk) == 4
    services.matching_chunk_compute(version_id=version.pk, number=0)
    version.refresh_from_db()
    ClusterFactory(country=world["kz"], primary_sector=world["div"]["26"])
    assert services.matching_version_prepare(version_id=version.pk) == 4
    again = MatchingIndexVersion.objects.get(pk=version.pk)
    assert (again.snapshot_at, again.clusters_total, bytes(again.state)) == (
        version.snapshot_at,
        7,
        bytes(version.state),
    )
    assert _rows(version)


def test_chunks_and_activation_of_a_version_that_is_not_building_change_nothing(world):
    version = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=version.pk)
    services.matching_version_fail(version_id=version.pk, error="worker lost")
    assert services.matching_chunk_compute(version_id=version.pk, number=0) == 0
    assert services.matching_version_activate(version_id=version.pk, dispatch=False) is False
    assert services.matching_version_prepare(version_id=version.pk) == 0
    assert not PartnerSuggestion.objects.exists()
    assert selectors.active_version() is None


def test_unknown_weights_are_refused_with_a_clear_message(world, settings):
    settings.MATCHING_WEIGHTS = {"colour": 1}
    with pytest.raises(ValueError, match="unknown components: colour"):
        services.matching_rebuild_start(dispatch=False)
    assert not MatchingIndexVersion.objects.exists()


# --- Incremental updates --------------------------------------------------------------------------
def test_changing_a_published_cluster_marks_it_dirty_and_enqueues_the_update_after_commit(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.matching_update_dirty, "delay", lambda: sent.append(1))
    MatchingClusterState.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        world["by_it"].secondary_sectors.add(world["div"]["26"])
    assert MatchingClusterState.objects.get(cluster=world["by_it"]).dirty
    assert sent


def test_editing_a_draft_cluster_leaves_the_index_alone(world, django_capture_on_commit_callbacks):
    MatchingClusterState.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world["draft"].description_en = "Changed."
        world["draft"].save()
    assert not MatchingClusterState.objects.exists()
    assert callbacks == []


def test_a_members_new_activity_marks_the_members_clusters(world):
    organisation = OrganisationFactory(country=world["by"])
    MembershipFactory(cluster=world["by_it"], organisation=organisation)
    MatchingClusterState.objects.all().delete()
    organisation.sectors.add(world["div"]["26"])
    assert list(MatchingClusterState.objects.values_list("cluster_id", flat=True)) == [world["by_it"].pk]


def test_features_read_in_one_query_or_in_bulk_are_the_same(world, monkeypatch):
    organisation = OrganisationFactory(country=world["kz"])
    organisation.sectors.add(world["div"]["26"], world["div"]["62"])
    MembershipFactory(cluster=world["kz_machinery"], organisation=organisation)
    MembershipFactory(cluster=world["by_it"], organisation=OrganisationFactory(country=world["by"]))
    world["kz_machinery"].secondary_sectors.add(world["div"]["29"], world["div"]["27"])
    ids = [cluster.pk for cluster in world.values() if isinstance(cluster, type(world["draft"]))]
    with CaptureQueriesContext(connection) as one:
        few = selectors.matching_features(cluster_ids=ids)
    monkeypatch.setattr(selectors, "FEATURES_BY_SUBQUERY", 0)
    bulk = selectors.matching_features(cluster_ids=ids)
    assert len(one.captured_queries) == 1
    assert few == bulk == selectors.matching_features()
    machinery = next(item for item in few if item.id == world["kz_machinery"].pk)
    assert machinery.member_sectors == ("26", "62") and machinery.secondary_sectors == ("27", "29")
    assert world["draft"].pk not in {item.id for item in few}


def test_incremental_update_gives_the_same_lists_as_a_full_rebuild(world):
    services.matching_rebuild_inline()
    # A cluster moves into electronics, another leaves the public registry, a third opts out.
    by_it = world["by_it"]
    by_it.primary_sector = world["div"]["26"]
    by_it.description_en = "Microelectronics and semiconductors for industry."
    by_it.save()
    by_it.technologies.add(world["micro"])
    world["ru_electronics_2"].status = PublicationStatus.ARCHIVED
    world["ru_electronics_2"].save()
    world["kz_machinery"].accepts_partner_suggestions = False
    world["kz_machinery"].save()
    processed, remaining = services.matching_update_dirty_batch(batch_size=50)
    assert processed == 3 and not remaining
    incremental = lists()
    assert world["ru_electronics_2"].pk not in incremental
    assert by_it.pk in [p for p, _ in incremental[world["ru_electronics"].pk]]
    services.matching_rebuild_inline()
    full = lists()
    # The text space is refitted by a full rebuild: the same partners, with scores within the projection's noise
    # (near-equal scores may swap places).
    assert {k: {p for p, _ in v} for k, v in incremental.items()} == {k: {p for p, _ in v} for k, v in full.items()}
    for cluster_id, partners in incremental.items():
        full_scores = dict(full[cluster_id])
        for partner_id, score in partners:
            assert abs(score - full_scores[partner_id]) < 0.02, (cluster_id, partner_id)


def _update(capture, cluster, **changes):
    """Change a cluster and run one committed update batch, as a worker does."""
    for name, value in changes.items():
        setattr(cluster, name, value)
    cluster.save()
    with capture(execute=True):
        services.matching_update_dirty_batch(batch_size=50)


def _as_read_afresh(version):
    """The engine state and list floors a worker with nothing held would bring up to date now."""
    held = dict(services._LIVE_INDEX)
    services._LIVE_INDEX.clear()
    try:
        return services._live_index(version, [])
    finally:
        services._LIVE_INDEX.update(held)


def _assert_same_index(live, afresh):
    assert sorted(live.state.cluster_ids.tolist()) == sorted(afresh.state.cluster_ids.tolist())
    for pk, position in afresh.state.position.items():
        mine = live.state.position[pk]
        for name, matrix in afresh.state.sparse.items():
            assert (live.state.sparse[name][mine] != matrix[position]).nnz == 0, (pk, name)
        assert live.state.text[mine] == pytest.approx(afresh.state.text[position], abs=1e-6), pk
        assert live.state.accepts[mine] == afresh.state.accepts[position], pk
        assert live.state.country_ids[mine] == afresh.state.country_ids[position], pk
    assert live.floors.cluster_ids.tolist() == afresh.floors.cluster_ids.tolist()
    assert live.floors.floors.tolist() == pytest.approx(afresh.floors.floors.tolist())


@pytest.fixture
def updated_once(world, django_capture_on_commit_callbacks):
    """A live index and a worker that has taken one committed update since, so it holds its own copy."""
    services.matching_rebuild_inline()
    MatchingClusterState.objects.update(dirty=False)
    _update(django_capture_on_commit_callbacks, world["by_it"], primary_sector=world["div"]["26"])
    return selectors.active_version()


def test_a_worker_keeps_its_index_between_updates_and_reads_what_others_changed(
    world, updated_once, django_capture_on_commit_callbacks
):
    version = updated_once
    mine = services._LIVE_INDEX[version.pk]
    assert mine.committed
    # Another worker, holding nothing, takes the next change; this one then takes a third.
    services._LIVE_INDEX.clear()
    _update(django_capture_on_commit_callbacks, world["kz_machinery"], description_en="Microelectronics assembly.")
    services._LIVE_INDEX.clear()
    services._LIVE_INDEX[version.pk] = mine
    _update(django_capture_on_commit_callbacks, world["kz_electrical"], accepts_partner_suggestions=False)
    live = services._LIVE_INDEX[version.pk]
    assert live.state is mine.state  # rewritten in place, not copied again
    assert not live.state.accepts[live.state.position[world["kz_electrical"].pk]]
    _assert_same_index(live, _as_read_afresh(version))
    # A cluster leaving the registry goes from the held state too.
    _update(django_capture_on_commit_callbacks, world["ru_electronics_2"], status=PublicationStatus.ARCHIVED)
    live = services._LIVE_INDEX[version.pk]
    assert world["ru_electronics_2"].pk not in live.state.position
    _assert_same_index(live, _as_read_afresh(version))
    assert world["ru_electronics_2"].pk not in lists()


def test_an_update_rolled_back_leaves_nothing_held_and_the_next_one_reads_afresh(
    world, updated_once, django_capture_on_commit_callbacks
):
    version = updated_once
    before = lists()
    world["kz_machinery"].description_en = "Microelectronics assembly."
    world["kz_machinery"].save()
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.matching_update_dirty_batch(batch_size=50)
            raise RuntimeError("the worker dies before committing")
    assert lists() == before
    assert not any(live.committed for live in services._LIVE_INDEX.values())
    _update(django_capture_on_commit_callbacks, world["kz_electrical"], description_en="Electric motors.")
    live = services._LIVE_INDEX[version.pk]
    assert live.committed and not MatchingClusterState.objects.filter(dirty=True).exists()
    _assert_same_index(live, _as_read_afresh(version))


def test_update_batches_take_only_dirty_clusters_and_clear_their_flags(world, monkeypatch):
    services.matching_rebuild_inline()
    MatchingClusterState.objects.update(dirty=False)
    world["kz_electrical"].description_en = "Electric motors, drives and batteries for vehicles."
    world["kz_electrical"].save()
    monkeypatch.setattr(tasks, "UPDATE_BATCH_SIZE", 1)
    monkeypatch.setattr(tasks.matching_update_dirty, "delay", lambda: None)
    assert tasks.matching_update_dirty() == 1
    assert not MatchingClusterState.objects.filter(dirty=True).exists()
    assert MatchingClusterState.objects.get(cluster=world["kz_electrical"]).indexed_at is not None


def test_a_batch_says_whether_dirty_clusters_remain_beyond_it(world):
    services.matching_rebuild_inline()
    MatchingClusterState.objects.update(dirty=False)
    services.matching_clusters_mark_dirty(cluster_ids=[world["by_it"].pk, world["kz_machinery"].pk], dispatch=False)
    assert services.matching_update_dirty_batch(batch_size=1) == (1, True)
    assert services.matching_update_dirty_batch(batch_size=1) == (1, False)
    assert services.matching_update_dirty_batch(batch_size=1) == (0, False)
    assert not MatchingClusterState.objects.filter(dirty=True).exists()


def test_without_a_live_index_an_update_only_clears_the_flags(world):
    processed, remaining = services.matching_update_dirty_batch(batch_size=50)
    assert processed == 7 and not remaining
    assert not PartnerSuggestion.objects.exists()


# --- Reading -----------------------------------------------------------------------------------
def test_cluster_suggestions_explain_shared_sectors_priorities_and_value_chains(world, django_assert_max_num_queries):
    services.matching_rebuild_inline()
    with django_assert_max_num_queries(12):
        suggestions = selectors.cluster_suggestions(cluster=world["ru_electronics"])
    first = suggestions[0]
    assert first.partner == world["kz_electronics"]
    kinds = {reason["kind"]: reason for reason in first.reasons}
    assert kinds["shared_sector"]["items"] == ["C26 Division 26"]
    assert kinds["shared_priority"]["items"] == ["Microelectronics"]
    assert "Shared sectors: C26 Division 26" in first.reasons_text
    electrical = selectors.cluster_suggestions(cluster=world["kz_electrical"])
    vehicles = next(s for s in electrical if s.partner == world["by_vehicles"])
    assert [r["items"] for r in vehicles.reasons if r["kind"] == "complementary"] == [["C27 → C29"]]


def test_the_query_count_of_suggestions_does_not_grow_with_their_number(world, settings):
    services.matching_rebuild_inline()
    with CaptureQueriesContext(connection) as one:
        selectors.cluster_suggestions(cluster=world["ru_electronics"], limit=1)
    with CaptureQueriesContext(connection) as three:
        selectors.cluster_suggestions(cluster=world["ru_electronics"], limit=3)
    assert len(three) == len(one)


def test_cluster_matches_filter_by_country_and_min_score(world):
    services.matching_rebuild_inline()
    kazakh = selectors.cluster_matches(cluster_id=world["ru_electronics"].pk, country="kz")
    assert {s.partner.country.iso2 for s in kazakh} == {"KZ"}
    strong = selectors.cluster_matches(cluster_id=world["ru_electronics"].pk, min_score=0.5)
    assert all(s.score >= 0.5 for s in strong)
    assert strong.count() < selectors.cluster_matches(cluster_id=world["ru_electronics"].pk).count()


def test_a_free_text_need_reads_the_country_and_sector_it_names(world):
    services.matching_rebuild_inline()
    result = selectors.partner_suggestions_for_need(text="We seek a partner in machine-tool building in Kazakhstan")
    assert [c.iso2 for c in result.countries] == ["KZ"]
    assert [s.code for s in result.sectors] == ["28"]
    assert result.matches[0].partner == world["kz_machinery"]
    assert {m.partner.country_id for m in result.matches} == {world["kz"].pk}
    russian = selectors.partner_suggestions_for_need(text="Ищем партнёра в станкостроении в Казахстане")
    assert russian.matches[0].partner == world["kz_machinery"]


def test_an_empty_need_is_refused_with_a_clear_message(world):
    with pytest.raises(ValueError, match="Describe the partner"):
        selectors.partner_suggestions_for_need(text="   ")


def test_a_technoparks_residents_get_cluster_partners_from_their_activities(world):
    from technoparks.tests.factories import ResidencyFactory, TechnoparkFactory

    services.matching_rebuild_inline()
    technopark = TechnoparkFactory(country=world["by"], description_en="")
    resident = OrganisationFactory(country=world["by"], sectors=[world["div"]["27"]])
    ResidencyFactory(technopark=technopark, organisation=resident)
    matches = selectors.partner_suggestions_for_technopark(technopark=technopark)
    assert matches[0].partner == world["kz_electrical"]
    assert [r["items"] for r in matches[0].reasons if r["kind"] == "shared_sector"] == [["C27 Division 27"]]


def test_rebuild_progress_reports_chunks_done_of_total(world):
    assert selectors.matching_rebuild_progress()["running"] is False
    version = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=version.pk)
    services.matching_chunk_compute(version_id=version.pk, number=0)
    progress = selectors.matching_rebuild_progress()
    assert progress["running"] is True
    assert (progress["chunks_done"], progress["chunks_total"]) == (1, 4)
    assert progress["active_version"] is None


def test_partner_lines_and_network_come_from_the_live_index(world):
    services.matching_rebuild_inline()
    lines = selectors.cluster_partner_lines(cluster=world["ru_electronics"])
    assert len(lines["features"]) == 3
    assert lines["features"][0]["geometry"]["coordinates"][0] == [
        world["ru_electronics"].location.x,
        world["ru_electronics"].location.y,
    ]
    network = selectors.matching_network(min_score=0.0, limit=5)
    pairs = {(link["source"], link["target"]) for link in network["links"]}
    assert len(pairs) == len(network["links"]) <= 5
    assert all(a < b for a, b in pairs)


# --- Writing lists ---------------------------------------------------------------------------
def _chunk_found(version, number=0):
    return services.chunk_suggestions(version, number)


def _rows(version):
    """A version's rows read from its own table, which readers of the suggestions only see once it is live."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT cluster_id, partner_id, score, sector_score, text_score
                FROM {connection.ops.quote_name(services.partition_table(version.pk))}
                ORDER BY cluster_id, partner_id"""
        )
        return cursor.fetchall()


def test_a_chunk_written_twice_leaves_one_row_per_pair_with_the_exact_scores(world):
    version = services.matching_rebuild_start(dispatch=False)
    services.matching_version_prepare(version_id=version.pk)
    version.refresh_from_db()
    cluster_ids, found = _chunk_found(version)
    for _ in range(2):
        with transaction.atomic():
            services._write_lists(version.pk, cluster_ids, found)
    rows = _rows(version)
    expected = sorted(
        zip(
            found.cluster_ids.tolist(),
            found.partner_ids.tolist(),
            found.scores.tolist(),
            found.components["sector"].tolist(),
            found.components["text"].tolist(),
            strict=True,
        )
    )
    assert len(found) and rows == expected
    assert len({(cluster, partner) for cluster, partner, *_ in rows}) == len(rows)


def test_rewriting_lists_drops_partners_no_longer_found_and_leaves_other_clusters_alone(world):
    services.matching_rebuild_inline()
    version = selectors.active_version()
    cluster_ids, found = _chunk_found(version)
    others = [row for row in _rows(version) if row[0] not in set(cluster_ids.tolist())]
    first = found.for_cluster(int(cluster_ids[0]))
    kept = type(found)(
        first.cluster_ids[:1], first.partner_ids[:1], first.scores[:1], {n: v[:1] for n, v in first.components.items()}
    )
    with transaction.atomic():
        services._write_lists(version.pk, cluster_ids, kept)
    rows = _rows(version)
    assert [row[:2] for row in rows if row[0] in set(cluster_ids.tolist())] == [
        (int(cluster_ids[0]), int(kept.partner_ids[0]))
    ]
    assert [row for row in rows if row[0] not in set(cluster_ids.tolist())] == others and others


def test_a_write_refused_by_the_database_leaves_the_previous_lists(world):
    services.matching_rebuild_inline()
    version = selectors.active_version()
    before = _rows(version)
    cluster_ids, found = _chunk_found(version)
    # A cluster suggested to itself breaks a check constraint: the whole write is rolled back.
    found.partner_ids[0] = found.cluster_ids[0]
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            services._write_lists(version.pk, cluster_ids, found)
    assert _rows(version) == before and before
