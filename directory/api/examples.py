"""Example bodies shown in the API documentation (realistic, but illustrations: not records of the registry)."""

from eaeu_portal.api.examples import schema_for_viewset

from .serializers import CountryFeatureSerializer, OrganisationFeatureSerializer, RegionFeatureSerializer

BASE = "https://registry.example.org/api/v1"

KAZAKHSTAN = {"id": 4, "url": f"{BASE}/countries/4/", "iso2": "KZ", "name": "Kazakhstan"}
RUSSIA = {"id": 9, "url": f"{BASE}/countries/9/", "iso2": "RU", "name": "Russia"}
TATARSTAN = {"id": 61, "url": f"{BASE}/regions/61/", "iso_code": "RU-TA", "name": "Republic of Tatarstan"}
MANUFACTURING = {"id": 3, "url": f"{BASE}/sectors/3/", "code": "C", "level": "section", "name": "Manufacturing"}
NAMES = {"name_original": "", "original_language": "", "name_zh": ""}

COUNTRIES = schema_for_viewset(
    name="Kazakhstan",
    geo_serializer=CountryFeatureSerializer,
    record={
        **KAZAKHSTAN,
        "iso3": "KAZ",
        "iso_numeric": "398",
        **NAMES,
        "name_original": "Қазақстан",
        "original_language": "kk",
        "name_en": "Kazakhstan",
        "name_ru": "Казахстан",
        "blocs": ["eaeu", "sco"],
    },
    geojson={
        "id": 4,
        "type": "Feature",
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[[[50, 40], [87, 40], [87, 55], [50, 55], [50, 40]]]],
        },
        "properties": {"url": KAZAKHSTAN["url"], "iso2": "KZ", "name": "Kazakhstan"},
    },
)

BLOCS = schema_for_viewset(
    name="EAEU",
    record={
        "id": 1,
        "url": f"{BASE}/blocs/1/",
        "code": "eaeu",
        "name": "Eurasian Economic Union",
        **NAMES,
        "name_en": "Eurasian Economic Union",
        "name_ru": "Евразийский экономический союз",
        "abbreviation": "EAEU",
        "abbreviation_en": "EAEU",
        "abbreviation_ru": "ЕАЭС",
        "founded_on": "2015-01-01",
        "website": "https://eaeunion.org/",
        "memberships": [
            {"country": KAZAKHSTAN, "status": "member", "joined_on": "2015-01-01", "left_on": None, "note": ""}
        ],
    },
)

REGIONS = schema_for_viewset(
    name="Tatarstan",
    geo_serializer=RegionFeatureSerializer,
    geojson={
        "id": 61,
        "type": "Feature",
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[[[48, 54], [54, 54], [54, 56.7], [48, 56.7], [48, 54]]]],
        },
        "properties": {
            "url": TATARSTAN["url"],
            "iso_code": "RU-TA",
            "name": "Republic of Tatarstan",
            "country": 9,
        },
    },
    record={
        **TATARSTAN,
        "source_code": "",
        **NAMES,
        "name_en": "Republic of Tatarstan",
        "name_ru": "Республика Татарстан",
        "country": RUSSIA,
        "label_point": {"type": "Point", "coordinates": [50.9, 55.6]},
    },
)

SECTORS = schema_for_viewset(
    name="Manufacture of motor vehicles",
    record={
        "id": 40,
        "url": f"{BASE}/sectors/40/",
        "code": "29",
        "level": "division",
        "section_code": "C",
        "name": "Manufacture of motor vehicles, trailers and semi-trailers",
        **NAMES,
        "name_en": "Manufacture of motor vehicles, trailers and semi-trailers",
        "name_ru": "Производство автотранспортных средств, прицепов и полуприцепов",
        "parent": MANUFACTURING,
    },
)

ORGANISATION = {
    "id": 1201,
    "url": f"{BASE}/organisations/1201/",
    "name": "KAMAZ",
    **NAMES,
    "name_original": "ПАО «КАМАЗ»",
    "original_language": "ru",
    "name_en": "KAMAZ",
    "name_ru": "КАМАЗ",
    "description": "Truck maker, anchor of the Kama innovative territorial-production cluster.",
    "description_original": "",
    "description_en": "Truck maker, anchor of the Kama innovative territorial-production cluster.",
    "description_ru": "",
    "description_zh": "",
    "kind": "large_enterprise",
    "country": RUSSIA,
    "region": TATARSTAN,
    "city": "Naberezhnye Chelny",
    "address": "",
    "location": {"type": "Point", "coordinates": [52.42, 55.74]},
    "registration_number": "1650032058",
    "website": "https://kamaz.ru/",
    "email": "",
    "sectors": [MANUFACTURING],
    "status": "published",
    "published_at": "2026-03-02T09:00:00Z",
    "created_at": "2026-03-01T12:00:00Z",
    "updated_at": "2026-03-02T09:00:00Z",
    "is_demo": True,
    "source_note": "Company website.",
}

ORGANISATIONS = schema_for_viewset(
    name="KAMAZ",
    geo_serializer=OrganisationFeatureSerializer,
    record=ORGANISATION,
    request={
        "name_en": "KAMAZ",
        "name_original": "ПАО «КАМАЗ»",
        "original_language": "ru",
        "kind": "large_enterprise",
        "country": 9,
        "region": 61,
        "city": "Naberezhnye Chelny",
        "location": {"type": "Point", "coordinates": [52.42, 55.74]},
        "registration_number": "1650032058",
        "sectors": [3],
    },
    geojson={
        "id": 1201,
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [52.42, 55.74]},
        "properties": {"url": ORGANISATION["url"], "name": "KAMAZ", "kind": "large_enterprise"},
    },
)
