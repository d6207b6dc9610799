"""The whole path in headless Chromium: sign up, confirm, register a cluster with two members, submit, moderate,
and find the cluster on the map."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from clusters.models import Cluster
from directory.choices import PublicationStatus
from directory.tests.factories import CountryFactory, OrganisationFactory
from directory.tests.registration_support import PASSWORD, moderator

from .conftest import wait_for_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def eager_queue():
    from eaeu_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def add_member(page, query: str) -> None:
    # Search as you type: wait for the server's answer to this query, not a fixed delay (CI machines are slow).
    with page.expect_response(lambda response: "organisations.json" in response.url and response.ok, timeout=45000):
        page.fill("#organisation-search", query)
    page.click(f"#organisation-results button:has-text('{query}')", timeout=30000)


@pytest.mark.usefixtures("eager_queue")
def test_a_manager_registers_a_cluster_and_a_moderator_puts_it_on_the_map(page, live_server):
    country = CountryFactory(name_en="Testland")
    OrganisationFactory(country=country, name_en="Alpha Robotics")
    OrganisationFactory(country=country, name_en="Beta University")
    checker = moderator(country, username="ministry@testland.example", email="ministry@testland.example")
    url = live_server.url

    # Sign up and confirm the e-mail.
    page.goto(f"{url}/en/accounts/sign-up/")
    page.fill("#id_email", "manager@cluster.example")
    page.fill("#id_full_name", "Maria Manager")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shot(page, "01-sign-up")
    page.click("button[type=submit]:has-text('Sign up')")
    page.wait_for_selector("text=Check your e-mail")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(url + re.sub(r"^https?://[^/]+", "", link))
    page.wait_for_selector("h1:has-text('Register an entry')")
    shot(page, "02-start")

    # Register the cluster, step by step.
    page.click("a:has-text('Register a cluster')")
    page.fill("#id_name_en", "Testland Photonics Cluster")
    page.fill("#id_description_en", "<script>alert('x')</script> Lasers and optics.")
    page.select_option("#id_country", str(country.pk))
    shot(page, "03-basics")
    page.click("button[value=next]")

    page.wait_for_selector("#point-picker[data-ready='true']")
    page.locator("#point-picker").scroll_into_view_if_needed()
    box = page.locator("#point-picker").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_longitude") != ""
    shot(page, "04-location")
    page.click("button[value=next]")

    page.wait_for_selector("h2:has-text('Sectors and technologies')")
    page.click("button[value=next]")

    page.wait_for_selector("#organisation-search[data-ready='true']")
    add_member(page, "Alpha Robotics")
    add_member(page, "Beta University")
    assert page.locator("#rows-table tbody tr.row-form").count() == 2
    shot(page, "05-members")
    page.click("button[value=next]")

    page.wait_for_selector("h2:has-text('Yearly indicators')")
    shot(page, "06-indicators")
    page.click("button[value=next]")
    page.click("a:has-text('Continue without a new logo')")

    page.wait_for_selector("h2:has-text('Review and submit')")
    assert "&lt;script&gt;" in page.content()
    shot(page, "07-review")
    page.click("button:has-text('Submit for moderation')")
    page.wait_for_selector("text=Sent to the moderators of Testland")
    shot(page, "08-my-entries")

    cluster = Cluster.objects.get(name_en="Testland Photonics Cluster")
    assert cluster.status == PublicationStatus.SUBMITTED
    assert cluster.memberships.count() == 2

    # The moderator approves it.
    page.click("#account-menu")
    page.click("button.dropdown-item:has-text('Sign out')")
    page.goto(f"{url}/en/accounts/sign-in/")
    page.fill("#id_username", checker.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.click("#account-menu")
    page.click("a.dropdown-item:has-text('Moderation queue')")
    shot(page, "09-queue")
    page.click("a:has-text('Review')")
    page.wait_for_selector("text=Testland Photonics Cluster")
    shot(page, "10-review")
    page.click("button:has-text('Approve and publish')")
    page.wait_for_selector("text=Nothing waits for moderation")

    cluster.refresh_from_db()
    assert cluster.status == PublicationStatus.PUBLISHED
    assert "manager@cluster.example" in mail.outbox[-1].to

    # It is on the map.
    page.goto(f"{url}/en/?layers=clusters")
    wait_for_map(page)
    assert page.get_attribute("#map", "data-markers-clusters") == "1"
    shot(page, "11-map")
