"""The map and a cluster profile in each interface language, in headless Chromium, on the demo registry.

Each page must declare its language, show its headings translated, render the Chinese names of Chinese records
with real glyphs (a CJK font, not boxes), and raise no console error (the `page` fixture fails the test on one).
"""

import pytest
from django.core.management import call_command
from django.utils import translation

from clusters.models import Cluster
from technoparks.models import Technopark

from .conftest import wait_for_map

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ru", "zh-hans"]
MAP_HEADING = "Clusters and technoparks of the EAEU and the SCO"
FACTS_HEADING = "Key facts"
ZHONGGUANCUN = "中关村科技园区"
SHENZHEN = "深圳市新一代信息通信集群"

# Two different characters drawn on a canvas give two different bitmaps only when a font has their glyphs:
# without one, both are the same empty box.
DRAWS_REAL_GLYPHS = """(chars) => {
    const bitmaps = chars.map((char) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 48;
        const context = canvas.getContext("2d");
        context.font = `40px ${getComputedStyle(document.body).fontFamily}`;
        context.fillText(char, 2, 40);
        return Array.from(context.getImageData(0, 0, 48, 48).data).join(",");
    });
    return new Set(bitmaps).size === bitmaps.length;
}"""


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.fixture
def demo_registry(db):
    call_command("load_reference", verbosity=0)
    call_command("load_demo", verbosity=0)


def assert_page_language(page, language: str, heading_selector: str, english_heading: str):
    assert page.get_attribute("html", "lang") == language
    heading = page.inner_text(heading_selector).strip()
    assert heading == translated(language, english_heading)
    if language != "en":
        assert heading != english_heading, f"the heading is not translated into {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_map_speaks_the_language_and_finds_zhongguancun_by_its_chinese_name(
    page, live_server, demo_registry, language
):
    park = Technopark.objects.get(name_zh=ZHONGGUANCUN)

    page.goto(f"{live_server.url}/{language}/?q={ZHONGGUANCUN[:3]}&layers=technoparks")
    wait_for_map(page)

    assert_page_language(page, language, "#map-title", MAP_HEADING)
    assert page.get_attribute("#count-technoparks", "data-count") == "1"
    page.click(".leaflet-marker-icon.record-marker-technoparks")
    page.wait_for_selector(".map-popup-link")
    popup = page.inner_text(".map-popup")
    expected_name = {"en": park.name_en, "ru": park.name_ru, "zh-hans": park.name_zh}[language]
    assert expected_name in popup
    assert translated(language, park.get_kind_display()) in popup
    if language == "zh-hans":
        assert page.evaluate(DRAWS_REAL_GLYPHS, list(ZHONGGUANCUN[:3]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_chinese_cluster_profile_in_each_language(page, live_server, demo_registry, language):
    cluster = Cluster.objects.get(name_zh=SHENZHEN)

    page.goto(f"{live_server.url}/{language}/clusters/{cluster.pk}/")
    page.wait_for_selector("#record-map .leaflet-marker-icon")

    assert_page_language(page, language, "#facts-title", FACTS_HEADING)
    expected_name = {"en": cluster.name_en, "ru": cluster.name_ru, "zh-hans": SHENZHEN}[language]
    assert page.inner_text("h1").strip() == expected_name
    switcher = page.eval_on_selector_all("#language-select option", "options => options.map(o => o.value)")
    assert switcher == LANGUAGES
    assert page.eval_on_selector("#language-select", "select => select.value") == language
    if language == "zh-hans":
        heading_box = page.locator("h1").bounding_box()
        assert heading_box["width"] > 100, "the Chinese name takes room on the page"
        assert page.evaluate(DRAWS_REAL_GLYPHS, list(SHENZHEN[:4]))
