"""The datasets the portal publishes and the kinds of file it imports, and the catalogue that describes them
(a page for people, DCAT-style JSON-LD for partners' harvesters)."""

from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .exporting import FORMATS, ExportDataset
from .importing import ImportKind

LICENCE = {
    "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
MEDIA_TYPES = {"csv": "text/csv", "xlsx": FORMATS["xlsx"], "geojson": "application/geo+json"}


@cache
def export_datasets() -> dict[str, ExportDataset]:
    """Every downloadable list, by key, in the order the catalogue shows them."""
    from clusters.exports import CLUSTER_INDICATORS, CLUSTERS
    from directory.exports import ORGANISATIONS
    from foresight.exports import INDICATOR_VALUES
    from projects.exports import PROJECTS
    from technoparks.exports import TECHNOPARKS

    datasets = (CLUSTERS, TECHNOPARKS, ORGANISATIONS, PROJECTS, CLUSTER_INDICATORS, INDICATOR_VALUES)
    return {dataset.key: dataset for dataset in datasets}


@cache
def import_kinds() -> dict[str, ImportKind]:
    """Every kind of file staff may import, by key."""
    from clusters.imports import ClusterImport, ClusterIndicatorImport
    from directory.imports import OrganisationImport
    from technoparks.imports import TechnoparkImport

    kinds = (OrganisationImport(), ClusterImport(), TechnoparkImport(), ClusterIndicatorImport())
    return {kind.key: kind for kind in kinds}


def download_path(dataset: ExportDataset, fmt: str) -> str:
    return reverse("opendata:export", kwargs={"dataset": dataset.key, "fmt": fmt})


def catalogue_entries() -> list[dict]:
    """What the catalogue page shows of each dataset: its fields, formats, record count and last update."""
    entries = []
    for dataset in export_datasets().values():
        entries.append(
            {
                "dataset": dataset,
                "count": dataset.record_count(),
                "last_update": dataset.last_update(),
                "downloads": [(fmt, download_path(dataset, fmt)) for fmt in dataset.formats()],
                "list_url": reverse(dataset.list_url_name) if dataset.list_url_name else "",
                "fields": [
                    {"name": "id", "label": _("Stable id of the record in the portal"), "kind": "integer"},
                    {"name": "url", "label": _("Page of the record in the portal"), "kind": "url"},
                    *(
                        {"name": f.name, "label": f.label, "kind": f.kind, "help": f.help}
                        for f in dataset.exported_fields
                    ),
                ],
                "importable": dataset.import_kind in import_kinds(),
            }
        )
    return entries


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def dcat_catalogue() -> dict:
    """The catalogue as DCAT (W3C Data Catalog Vocabulary) in JSON-LD, for harvesters such as CKAN's."""
    datasets = []
    for entry in catalogue_entries():
        dataset: ExportDataset = entry["dataset"]
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "@id": absolute(reverse("opendata:catalogue") + f"#{dataset.key}"),
                "dct:identifier": dataset.key,
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dct:modified": entry["last_update"].isoformat() if entry["last_update"] else None,
                "dct:license": LICENCE["url"],
                "dcat:landingPage": absolute(entry["list_url"]) if entry["list_url"] else None,
                "portal:recordCount": entry["count"],
                "portal:fields": [
                    {"name": f["name"], "title": str(f["label"]), "type": f["kind"]} for f in entry["fields"]
                ],
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:format": fmt.upper(),
                        "dcat:mediaType": MEDIA_TYPES[fmt],
                        "dcat:downloadURL": absolute(path),
                        "dct:license": LICENCE["url"],
                    }
                    for fmt, path in entry["downloads"]
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "portal": absolute(reverse("opendata:catalogue") + "#"),
        },
        "@type": "dcat:Catalog",
        "@id": absolute(reverse("opendata:catalogue-json")),
        "dct:title": _("EAEU and SCO innovation registry: open data"),
        "dct:description": _(
            "The registry of innovation clusters, technoparks, organisations and joint projects of the Eurasian "
            "Economic Union and the Shanghai Cooperation Organisation, as downloadable datasets. Published records "
            "only; each list accepts the same filters as its page on the portal."
        ),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": _("EAEU and SCO innovation registry")},
        "dct:license": LICENCE["url"],
        "foaf:homepage": absolute(reverse("home")),
        "dcat:dataset": datasets,
    }
