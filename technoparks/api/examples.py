"""Example bodies shown in the API documentation (illustrations, not records of the registry)."""

from clusters.api.examples import KAMAZ
from directory.api.examples import BASE, NAMES, RUSSIA, TATARSTAN
from eaeu_portal.api.examples import schema_for_viewset

from .serializers import FACTS, TechnoparkFeatureSerializer

IT_PARK = {"id": 8, "url": f"{BASE}/technoparks/8/", "name": "IT Park Kazan", "kind": "it_park"}

TECHNOPARK = {
    "id": 8,
    "url": IT_PARK["url"],
    "name": "IT Park Kazan",
    **NAMES,
    "name_original": "ИТ-парк имени Башира Рамеева",
    "original_language": "ru",
    "name_en": "IT Park Kazan",
    "name_ru": "ИТ-парк имени Башира Рамеева",
    "description": "Business incubator and data centre for IT companies.",
    "description_original": "",
    "description_en": "Business incubator and data centre for IT companies.",
    "description_ru": "",
    "description_zh": "",
    "kind": "it_park",
    "external_id": None,
    "operator": None,
    "country": RUSSIA,
    "region": TATARSTAN,
    "location": {"type": "Point", "coordinates": [49.13, 55.78]},
    "sectors": [],
    "technologies": [],
    **dict.fromkeys(FACTS),
    "founded_year": 2009,
    "website": "https://itpark.tech/",
    "services": ["offices", "acceleration"],
    "sandbox_available": False,
    "sandbox_description": "",
    "currency": "",
    "tax_incentives": "",
    "customs_incentives": "",
    "premises_total_m2": "50000.00",
    "premises_free_m2": "1200.00",
    "resident_count": 1,
    "residents": [{"residency_id": 44, "organisation": KAMAZ, "started_on": "2021-03-01"}],
    "status": "published",
    "published_at": "2026-03-02T09:00:00Z",
    "created_at": "2026-03-01T12:00:00Z",
    "updated_at": "2026-03-02T09:00:00Z",
    "is_demo": True,
    "source_note": "Technopark website.",
}

TECHNOPARKS = schema_for_viewset(
    name="IT Park Kazan",
    record=TECHNOPARK,
    request={
        "name_en": "IT Park Kazan",
        "kind": "it_park",
        "country": 9,
        "region": 61,
        "location": {"type": "Point", "coordinates": [49.13, 55.78]},
        "services": ["offices", "acceleration"],
        "premises_total_m2": "50000.00",
        "premises_free_m2": "1200.00",
    },
    geo_serializer=TechnoparkFeatureSerializer,
    geojson={
        "id": 8,
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [49.13, 55.78]},
        "properties": {"url": IT_PARK["url"], "name": "IT Park Kazan", "kind": "it_park"},
    },
)

RESIDENCIES = schema_for_viewset(
    name="A resident of IT Park Kazan",
    record={
        "id": 44,
        "url": f"{BASE}/residencies/44/",
        "technopark": IT_PARK,
        "organisation": KAMAZ,
        "started_on": "2021-03-01",
        "ended_on": None,
    },
    request={"technopark": 8, "organisation": 1201, "started_on": "2021-03-01"},
)

POOL_MEMBERSHIPS = schema_for_viewset(
    name="IT Park Kazan in the SCO Pool",
    record={
        "id": 3,
        "url": f"{BASE}/pool-memberships/3/",
        "technopark": IT_PARK,
        "cluster": None,
        "nominated_by": RUSSIA,
        "nominated_on": "2022-09-01",
        "admitted_on": "2023-06-15",
        "status": "admitted",
    },
)
