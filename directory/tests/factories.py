"""Factories for reference data and organisations.

Every factory country is a square on a grid in the southern oceans, so that no two overlap and none overlaps
the approximate boxes of `russia()`, `kazakhstan()` and `belarus()`; each record's point lies inside its country.
"""

import datetime
import math
import string

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from directory.choices import BlocMembershipStatus, OrganisationKind, PublicationStatus, SectorLevel
from directory.models import Bloc, BlocMembership, Country, Organisation, Region, Sector

LETTERS = string.ascii_uppercase

# The grid of factory countries: squares of SIDE degrees every STEP degrees, so neighbours are ~200 km apart,
# far beyond the boundary tolerance.
GRID_WEST, GRID_SOUTH, GRID_COLUMNS, GRID_ROWS = -174.0, -62.0, 58, 9
GRID_STEP, GRID_SIDE = 6.0, 4.0


def square(xmin: float, ymin: float, xmax: float, ymax: float, step: float = 0.5) -> MultiPolygon:
    """A box with a vertex every `step` degrees, so that it keeps its shape on the sphere.

    The location rule measures on the geography, where an edge is a great circle: a long edge with no vertices
    between its corners would bow towards the pole and leave the box's own centre outside it.
    """

    def edge(x0, y0, x1, y1):
        count = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0)) / step))
        return [(x0 + (x1 - x0) * i / count, y0 + (y1 - y0) * i / count) for i in range(count)]

    ring = [
        *edge(xmin, ymin, xmax, ymin),
        *edge(xmax, ymin, xmax, ymax),
        *edge(xmax, ymax, xmin, ymax),
        *edge(xmin, ymax, xmin, ymin),
        (xmin, ymin),
    ]
    return MultiPolygon(Polygon(ring), srid=4326)


def grid_bbox(n: int) -> tuple[float, float, float, float]:
    cell = n % (GRID_COLUMNS * GRID_ROWS)
    xmin = GRID_WEST + (cell % GRID_COLUMNS) * GRID_STEP
    ymin = GRID_SOUTH + (cell // GRID_COLUMNS) * GRID_STEP
    return (xmin, ymin, xmin + GRID_SIDE, ymin + GRID_SIDE)


def point_in(area, fx: float = 0.5, fy: float = 0.5) -> Point | None:
    """A point at the fractions (fx, fy) of the extent of a country or region (its boundary's bounding box)."""
    boundary = getattr(area, "boundary", None)
    if boundary is None:
        return None
    xmin, ymin, xmax, ymax = boundary.extent
    return Point(xmin + (xmax - xmin) * fx, ymin + (ymax - ymin) * fy, srid=4326)


def _iso2(n: int) -> str:
    # Starts at "XA": the user-assigned range, then Y… and Z…, before any code a real country holds.
    n = (23 * 26 + n) % (26 * 26)
    return LETTERS[n // 26] + LETTERS[n % 26]


def _iso3(n: int) -> str:
    n = (23 * 26 * 26 + n) % (26**3)
    return LETTERS[n // 676] + LETTERS[n // 26 % 26] + LETTERS[n % 26]


# --- Countries and blocs ------------------------------------------------------------
class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    class Params:
        bbox = factory.Sequence(grid_bbox)

    iso2 = factory.Sequence(_iso2)
    iso3 = factory.Sequence(_iso3)
    iso_numeric = factory.Sequence(lambda n: f"{(900 + n) % 1000:03d}")
    name_en = factory.LazyAttribute(lambda o: f"Country {o.iso2}")
    name_ru = factory.LazyAttribute(lambda o: f"Страна {o.iso2}")
    name_original = factory.LazyAttribute(lambda o: f"Country {o.iso2}")
    original_language = "en"
    boundary = factory.LazyAttribute(lambda o: square(*o.bbox) if o.bbox else None)


# Approximate boxes around the real countries: large enough to hold their capitals and main cities,
# apart from each other by more than the boundary tolerance.
RUSSIA_BBOX = (34.0, 52.0, 140.0, 70.0)
KAZAKHSTAN_BBOX = (50.0, 40.6, 87.0, 51.5)
BELARUS_BBOX = (23.2, 51.3, 32.7, 56.1)


def russia() -> Country:
    """Russia (RU/RUS/643) with a box around Moscow, Kazan and Novosibirsk; reuses a loaded Russia."""
    return CountryFactory(
        iso2="RU",
        iso3="RUS",
        iso_numeric="643",
        name_en="Russia",
        name_ru="Россия",
        name_original="Россия",
        original_language="ru",
        bbox=RUSSIA_BBOX,
    )


def kazakhstan() -> Country:
    """Kazakhstan (KZ/KAZ/398) with a box around Astana and Almaty; reuses a loaded Kazakhstan."""
    return CountryFactory(
        iso2="KZ",
        iso3="KAZ",
        iso_numeric="398",
        name_en="Kazakhstan",
        name_ru="Казахстан",
        name_original="Қазақстан",
        original_language="kk",
        bbox=KAZAKHSTAN_BBOX,
    )


def belarus() -> Country:
    """Belarus (BY/BLR/112) with a box around Minsk; reuses a loaded Belarus."""
    return CountryFactory(
        iso2="BY",
        iso3="BLR",
        iso_numeric="112",
        name_en="Belarus",
        name_ru="Беларусь",
        name_original="Беларусь",
        original_language="be",
        bbox=BELARUS_BBOX,
    )


class BlocFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bloc
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"bloc-{n}")
    name_en = factory.Sequence(lambda n: f"Integration bloc {n}")
    name_ru = factory.Sequence(lambda n: f"Интеграционное объединение {n}")
    abbreviation_en = factory.Sequence(lambda n: f"IB{n}")
    founded_on = datetime.date(2015, 1, 1)


class BlocMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlocMembership

    bloc = factory.SubFactory(BlocFactory)
    country = factory.SubFactory(CountryFactory)
    status = BlocMembershipStatus.MEMBER
    joined_on = datetime.date(2015, 1, 1)
    left_on = None


# --- Regions and sectors --------------------------------------------------------------
def _region_bbox(o) -> tuple[float, float, float, float] | None:
    """One of the four quarters of the country's extent, shrunk a little so neighbouring regions never touch."""
    if o.country.boundary is None:
        return None
    xmin, ymin, xmax, ymax = o.country.boundary.extent
    width, height = (xmax - xmin) / 2, (ymax - ymin) / 2
    quarter = o.quarter % 4
    x0, y0 = xmin + width * (quarter % 2), ymin + height * (quarter // 2)
    return (x0 + width * 0.05, y0 + height * 0.05, x0 + width * 0.95, y0 + height * 0.95)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("iso_code",)

    class Params:
        quarter = factory.Sequence(lambda n: n)
        bbox = factory.LazyAttribute(_region_bbox)

    country = factory.SubFactory(CountryFactory)
    iso_code = factory.LazyAttributeSequence(lambda o, n: f"{o.country.iso2}-R{n}")
    name_en = factory.Sequence(lambda n: f"Region {n}")
    name_ru = factory.Sequence(lambda n: f"Регион {n}")
    boundary = factory.LazyAttribute(lambda o: square(*o.bbox) if o.bbox else None)
    label_point = factory.LazyAttribute(lambda o: o.boundary.centroid if o.boundary else None)


class SectorFactory(factory.django.DjangoModelFactory):
    """A NACE section (a letter A…U); reuses the loaded one with the same code."""

    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: "ABCDEFGHIJKLMNOPQRSTU"[n % 21])
    level = SectorLevel.SECTION
    parent = None
    name_en = factory.LazyAttribute(lambda o: f"Section {o.code}")
    name_ru = factory.LazyAttribute(lambda o: f"Секция {o.code}")


class DivisionFactory(factory.django.DjangoModelFactory):
    """A NACE division (two digits) under a section; reuses the loaded one with the same code."""

    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n % 90:02d}")
    level = SectorLevel.DIVISION
    parent = factory.SubFactory(SectorFactory)
    name_en = factory.LazyAttribute(lambda o: f"Division {o.code}")
    name_ru = factory.LazyAttribute(lambda o: f"Раздел {o.code}")


# --- Organisations ----------------------------------------------------------------------
class OrganisationFactory(factory.django.DjangoModelFactory):
    """A published organisation at the centre of its country; `draft=True` for one not yet public."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=PublicationStatus.DRAFT, published_at=None)
        fx = 0.5
        fy = 0.5

    kind = OrganisationKind.SME
    country = factory.SubFactory(CountryFactory)
    region = None
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ru = factory.Sequence(lambda n: f"Организация {n}")
    name_original = factory.LazyAttribute(lambda o: o.name_en)
    original_language = "en"
    city = "Capital"
    location = factory.LazyAttribute(lambda o: point_in(o.region or o.country, o.fx, o.fy))
    registration_number = ""
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)
