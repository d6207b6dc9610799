"""Example bodies shown in the API documentation (illustrations, not records of the registry)."""

from directory.api.examples import BASE, MANUFACTURING, NAMES, RUSSIA, TATARSTAN
from eaeu_portal.api.examples import schema_for_viewset

from .serializers import ClusterFeatureSerializer

KAMAZ = {"id": 1201, "url": f"{BASE}/organisations/1201/", "name": "KAMAZ", "kind": "large_enterprise"}
KAMA_CLUSTER = {
    "id": 17,
    "url": f"{BASE}/clusters/17/",
    "name": "Kama innovative cluster",
    "kind": "territorial_production",
}

CLUSTER = {
    "id": 17,
    "url": KAMA_CLUSTER["url"],
    "name": "Kama innovative cluster",
    **NAMES,
    "name_original": "Камский инновационный территориально-производственный кластер",
    "original_language": "ru",
    "name_en": "Kama innovative cluster",
    "name_ru": "Камский инновационный территориально-производственный кластер",
    "description": "Automotive and petrochemical companies, universities and technoparks of the lower Kama.",
    "description_original": "",
    "description_en": "Automotive and petrochemical companies, universities and technoparks of the lower Kama.",
    "description_ru": "",
    "description_zh": "",
    "kind": "territorial_production",
    "external_id": None,
    "country": RUSSIA,
    "regions": [TATARSTAN],
    "location": {"type": "Point", "coordinates": [52.42, 55.74]},
    "primary_sector": MANUFACTURING,
    "secondary_sectors": [],
    "technologies": [{"id": 5, "code": "T1.2", "level": "technology", "name": "Electric vehicles"}],
    "founded_year": 2012,
    "website": "https://kamacluster.ru/",
    "management_staff_fte": "12.0",
    "support_programmes": "",
    "accepts_partner_suggestions": True,
    "specialised_organisation": None,
    "member_count": 1,
    "members": [{"membership_id": 301, "organisation": KAMAZ, "role": "anchor", "joined_on": "2012-08-28"}],
    "status": "published",
    "published_at": "2026-03-02T09:00:00Z",
    "created_at": "2026-03-01T12:00:00Z",
    "updated_at": "2026-03-02T09:00:00Z",
    "is_demo": True,
    "source_note": "Cluster website; Russian cluster observatory.",
}

CLUSTERS = schema_for_viewset(
    name="Kama cluster",
    record=CLUSTER,
    request={
        "name_en": "Kama innovative cluster",
        "kind": "territorial_production",
        "country": 9,
        "regions": [61],
        "location": {"type": "Point", "coordinates": [52.42, 55.74]},
        "primary_sector": 3,
        "founded_year": 2012,
    },
    geo_serializer=ClusterFeatureSerializer,
    geojson={
        "id": 17,
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [52.42, 55.74]},
        "properties": {
            "url": KAMA_CLUSTER["url"],
            "name": KAMA_CLUSTER["name"],
            "kind": "territorial_production",
        },
    },
)

MEMBERSHIPS = schema_for_viewset(
    name="KAMAZ in the Kama cluster",
    record={
        "id": 301,
        "url": f"{BASE}/memberships/301/",
        "cluster": KAMA_CLUSTER,
        "organisation": KAMAZ,
        "role": "anchor",
        "joined_on": "2012-08-28",
        "left_on": None,
    },
    request={"cluster": 17, "organisation": 1201, "role": "anchor", "joined_on": "2012-08-28"},
)

MATCH = {
    "partner": {
        "id": 42,
        "url": f"{BASE}/clusters/42/",
        "name": "Almaty machine-building cluster",
        "kind": "industrial",
        "country": "KZ",
    },
    "score": 0.71,
    "components": {"sector": 0.9, "technology": 0.5, "value_chain": 0.6, "text": 0.4, "members": 0.3},
    "reasons": [
        {"kind": "shared_sector", "label": "Shared sectors", "items": ["C29 Motor vehicles"], "score": 0.9},
        {"kind": "complementary", "label": "Complementary value chains", "items": ["C27 → C29"], "score": 0.6},
    ],
    "reasons_text": "Shared sectors: C29 Motor vehicles; Complementary value chains: C27 → C29",
}
