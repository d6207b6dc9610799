"""Simplified Chinese beside English and Russian: how a reader or a partner's client chooses the language, and the
fallback chain of record names (requested language → English → original)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from clusters.tests.factories import ClusterFactory
from directory.tests.factories import CountryFactory
from tests.api_mixins import _no_throttling  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

ZHONGGUANCUN = {"name_en": "Zhongguancun Cluster", "name_ru": "Кластер Чжунгуаньцунь", "name_zh": "中关村集群"}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def china():
    return CountryFactory(
        name_en="China", name_ru="Китай", name_zh="中国", name_original="中国", original_language="zh"
    )


@pytest.fixture
def cluster(china):
    return ClusterFactory(country=china, name_original="中关村集群", original_language="zh", **ZHONGGUANCUN)


def names_in(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


# --- The interface languages ---------------------------------------------------------------------------------------
def test_simplified_chinese_is_the_third_interface_language():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "ru", "zh-hans"]
    assert translation.get_supported_language_variant("zh-cn") == "zh-hans"


def test_the_switcher_offers_the_three_languages_each_in_its_own_script(client):
    page = client.get("/en/").content.decode()

    switcher = re.search(r'<select id="language-select".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', switcher)
    assert options == [("en", "English"), ("ru", "Русский"), ("zh-hans", "简体中文")]


def test_choosing_chinese_in_the_switcher_leads_to_the_chinese_page(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/clusters/"})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/clusters/"


@pytest.mark.parametrize("prefix", ["en", "ru", "zh-hans"])
def test_the_map_page_speaks_the_language_of_its_address(client, prefix):
    response = client.get(f"/{prefix}/")

    assert response["Content-Language"] == prefix
    assert f'<html lang="{prefix}">' in response.content.decode()


def test_the_chinese_map_page_has_chinese_headings_and_legend(client):
    response = client.get("/zh-hans/")
    page = response.content.decode()

    assert "欧亚经济联盟和上合组织的集群和科技园" in page  # "Clusters and technoparks of the EAEU and the SCO"
    assert "图层" in page  # "Layers"
    assert "Clusters and technoparks of the EAEU and the SCO" not in page
    # What the map script writes (legend, popups, layer names) comes through json_script, translated.
    config = response.context["map_config"]
    assert config["text"]["legend"] == "图例"
    assert config["layers"]["clusters"]["label"] == "集群"
    assert config["layers"]["clusters"]["kinds"]["innovation"] == "创新集群"


def test_a_chinese_profile_shows_the_chinese_name_and_interface(client, cluster):
    page = client.get(f"/zh-hans/clusters/{cluster.pk}/").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "中关村集群" in page and "中国" in page
    assert "基本信息" in page  # "Key facts"
    assert "Key facts" not in page


def test_a_profile_without_a_chinese_name_falls_back_to_english_then_to_the_original(client, china):
    english = ClusterFactory(country=china, name_en="Photonics Cluster", name_ru="Кластер фотоники", name_zh="")
    original = ClusterFactory(
        country=china, name_en="", name_ru="Кластер «Оригинал»", name_zh="", name_original="Original Klaster"
    )

    assert "<h1" in (page := client.get(f"/zh-hans/clusters/{english.pk}/").content.decode())
    assert "Photonics Cluster" in page and "Кластер фотоники" not in page
    page = client.get(f"/zh-hans/clusters/{original.pk}/").content.decode()
    assert "Original Klaster" in page and "Кластер «Оригинал»" not in page


def test_the_map_popup_gives_the_chinese_name_kind_and_country(client, cluster):
    popup = client.get(f"/zh-hans/clusters/{cluster.pk}/popup.json").json()

    assert popup["name"] == "中关村集群"
    assert popup["country"] == "中国"
    assert popup["kind"] == "创新集群"
    assert popup["count_label"] == "成员"


# --- The API: Accept-Language and ?lang= ---------------------------------------------------------------------------
def test_accept_language_chooses_chinese_names_in_the_api(api, cluster):
    response = api.get("/api/v1/clusters/", HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9,en;q=0.5")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert names_in(response) == ["中关村集群"]


@pytest.mark.parametrize("value", ["zh-hans", "zh-Hans", "zh_Hans", "zh", "zh-CN"])
def test_the_lang_parameter_chooses_chinese_over_accept_language(api, cluster, value):
    response = api.get("/api/v1/clusters/", {"lang": value}, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert names_in(response) == ["中关村集群"]


def test_the_lang_parameter_works_on_details_and_geojson_and_in_russian(api, cluster):
    detail = api.get(f"/api/v1/clusters/{cluster.pk}/", {"lang": "zh-hans"})
    geojson = api.get("/api/v1/clusters/geojson/", {"lang": "zh-hans"})
    russian = api.get("/api/v1/clusters/", {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="zh-Hans")

    assert detail.status_code == 200 and detail.json()["name"] == "中关村集群"
    assert geojson.status_code == 200
    assert [feature["properties"]["name"] for feature in geojson.json()["features"]] == ["中关村集群"]
    assert names_in(russian) == ["Кластер Чжунгуаньцунь"]


def test_a_lang_the_portal_does_not_speak_is_a_clear_400(api, cluster):
    response = api.get("/api/v1/clusters/", {"lang": "fr"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["lang"] == ["lang must be one of: en, ru, zh-hans."]


def test_error_messages_follow_the_chosen_language(api, cluster):
    response = api.get("/api/v1/clusters/", {"lang": "zh-hans", "contry": "CN"})

    assert response.status_code == 400
    assert response.json()["fields"]["contry"] == ["未知参数。"]


def test_api_names_fall_back_from_chinese_to_english_then_to_the_original(api, china):
    ClusterFactory(country=china, name_en="Photonics Cluster", name_ru="Кластер фотоники", name_zh="")
    ClusterFactory(
        country=china, name_en="", name_ru="Кластер «Оригинал»", name_zh="", name_original="Original Klaster"
    )

    response = api.get("/api/v1/clusters/", {"lang": "zh-hans", "ordering": "id"})

    assert response.status_code == 200
    assert sorted(names_in(response)) == ["Original Klaster", "Photonics Cluster"]


def test_reference_data_is_named_in_chinese(api, china):
    response = api.get(f"/api/v1/countries/{china.pk}/", HTTP_ACCEPT_LANGUAGE="zh-Hans")

    assert response.json()["name"] == "中国"


# --- The schema says how to choose --------------------------------------------------------------------------------
def test_the_schema_documents_lang_and_accept_language_on_the_registry_endpoints(api):
    schema = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path in ("/api/v1/clusters/", "/api/v1/clusters/{id}/", "/api/v1/clusters/geojson/", "/api/v1/countries/"):
        parameters = {(p["in"], p["name"]): p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters[("query", "lang")]["schema"]["enum"] == ["en", "ru", "zh-hans"]
        assert "Accept-Language" in parameters[("query", "lang")]["description"]
        assert ("header", "Accept-Language") in parameters


def test_the_schema_itself_can_be_read_in_chinese(api):
    schema = api.get(reverse("api-schema"), {"lang": "zh-hans"}, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    parameters = schema["paths"]["/api/v1/clusters/"]["get"]["parameters"]
    lang = next(p for p in parameters if p["name"] == "lang")
    assert re.search(r"[\u4e00-\u9fff]", lang["description"])


# --- Django's and DRF's own strings come from their catalogues -----------------------------------------------------
def test_framework_strings_come_from_their_own_chinese_catalogues(client):
    from django import forms
    from rest_framework.exceptions import NotFound

    with translation.override("zh-hans"):
        # DRF's catalogue and Django's both translate this one; the app installed later wins.
        assert str(forms.CharField().error_messages["required"]) in ("该字段是必填项。", "这个字段是必填项。")
        assert str(forms.IntegerField().error_messages["invalid"]) == "输入整数。"
        assert str(NotFound.default_detail) == "未找到。"
    admin_login = client.get("/zh-hans/admin/login/").content.decode()
    assert '<html lang="zh-hans"' in admin_login and "用户名" in admin_login


# --- Reference data in Chinese -------------------------------------------------------------------------------------
def test_reference_data_and_the_taxonomy_load_with_chinese_names():
    from django.core.management import call_command

    from directory.models import Country, Region, Sector
    from foresight.models import Priority

    call_command("load_reference", verbosity=0)
    call_command("load_foresight", verbosity=0)

    for model in (Country, Region, Sector, Priority):
        assert model.objects.exists()
        assert not model.objects.filter(name_zh="").exists(), f"{model.__name__} records without a Chinese name"
    assert Sector.objects.get(code="62").name_zh == "计算机程序设计、咨询及相关活动"
    assert Priority.objects.get(code="DIG.QNT").name_zh == "量子信息"
