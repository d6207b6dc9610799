"""Partner suggestions in headless Chromium: lines to a cluster's partners on the map, the network page and the
search for partners from a free-text need, on the demo registry with the matching index built."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from clusters.matching import services
from clusters.models import Cluster, PartnerSuggestion
from technoparks.models import Technopark

from .conftest import wait_for_map

pytestmark = pytest.mark.browser
# Set to a folder to keep screenshots of the pages for a visual review.
SCREENSHOTS = os.environ.get("PORTAL_SCREENSHOTS", "")


def screenshot(page, name: str, full_page: bool = False) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=full_page)


@pytest.fixture
def demo_index(live_server):
    call_command("load_reference", verbosity=0)
    call_command("load_demo", verbosity=0)
    services.matching_rebuild_inline()


def located_cluster_with_partners() -> tuple[Cluster, int]:
    """A demo cluster with a unique name whose partners are located, and how many lines the map should draw."""
    for cluster in Cluster.objects.published().exclude(location=None).order_by("pk"):
        located = PartnerSuggestion.objects.filter(
            version__status="active", cluster=cluster, partner__location__isnull=False
        ).count()
        if located >= 2 and Cluster.objects.filter(name_en__icontains=cluster.name_en).count() == 1:
            return cluster, min(located, 10)
    raise AssertionError("the demo registry holds a located cluster with located partners")


def test_a_clusters_partners_are_drawn_as_lines_and_cleared(page, live_server, demo_index):
    cluster, expected = located_cluster_with_partners()

    # Close in on the cluster so that its marker stands alone, outside any group of markers.
    position = f"11/{cluster.location.y:.4f}/{cluster.location.x:.4f}"
    page.goto(f"{live_server.url}/en/?layers=clusters&q={cluster.name_en}&map={position}")
    wait_for_map(page)
    page.click(f'.leaflet-marker-icon.record-marker-clusters[title="{cluster.name}"]')
    page.click(".map-popup-partners")
    page.wait_for_selector("#map[data-partner-lines]:not([data-partner-lines=''])")

    assert page.get_attribute("#map", "data-partner-lines") == str(expected)
    assert page.locator(".leaflet-overlay-pane path.partner-line").count() == expected
    assert page.locator(".leaflet-overlay-pane path.partner-end").count() == expected
    assert cluster.name in page.inner_text(".map-partners-title")
    widths = page.eval_on_selector_all(
        ".leaflet-overlay-pane path.partner-line", "paths => paths.map((p) => Number(p.getAttribute('stroke-width')))"
    )
    # Drawn weakest first, so that the best partner's line, the thickest, lies on top.
    assert widths == sorted(widths) and widths[-1] > widths[0]
    # The partner's own marker may cover its dot: the tooltip is asked for by the event Leaflet listens to.
    page.locator(".leaflet-overlay-pane path.partner-end").last.dispatch_event("mouseover")
    assert "match score" in page.inner_text(".leaflet-tooltip")
    screenshot(page, "map-partner-lines")

    page.click(".map-partners-clear")
    assert page.locator(".leaflet-overlay-pane path.partner-line").count() == 0
    assert page.is_hidden(".map-partners")


def test_the_network_and_the_partner_search_on_the_demo_registry(page, live_server, demo_index):
    page.goto(f"{live_server.url}/en/clusters/matching/network/")
    page.wait_for_selector("#network-map[data-state='ready']")
    page.wait_for_selector("#network-map .leaflet-boundaries-pane path")
    links = int(page.get_attribute("#network-map", "data-links"))
    assert links > 0
    assert page.locator("#network-map path.network-link").count() == links
    assert page.locator("#network-table tbody tr").count() > 0
    screenshot(page, "network")

    page.goto(f"{live_server.url}/en/clusters/matching/find/")
    page.fill("#id_need", "We seek a partner in machine-tool building in Kazakhstan")
    page.click("#need-form button[type=submit]")
    page.wait_for_selector("#need-matches")
    assert "Kazakhstan" in page.inner_text("#need-countries")
    assert page.locator("#need-matches .list-group-item").count() > 0
    screenshot(page, "find", full_page=True)

    technopark = (
        Technopark.objects.published()
        .filter(residencies__ended_on__isnull=True, sectors__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    page.goto(f"{live_server.url}/en/technoparks/{technopark.pk}/")
    block = page.locator("#resident-partners")
    assert "Suggested cluster partners for residents" in block.inner_text()
    assert block.locator(".list-group-item").count() > 0
    block.scroll_into_view_if_needed()
    screenshot(page, "technopark")
