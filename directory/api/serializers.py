"""Serializers of reference data and organisations. Brief forms (id, name, url) nest inside other records."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from eaeu_portal.api.serializers import (
    DetailUrlField,
    FeatureListSerializer,
    PointField,
    StrictWriteSerializer,
    brief_field,
)

from ..models import Bloc, BlocMembership, Country, Organisation, Region, Sector

# The multilingual columns a client writes; reads add the name and description in the request's language.
WRITABLE_NAME_FIELDS = ("name_original", "original_language", "name_en", "name_ru", "name_zh")
WRITABLE_DESCRIPTION_FIELDS = ("description_original", "description_en", "description_ru", "description_zh")
NAME_FIELDS = ("name", *WRITABLE_NAME_FIELDS)
DESCRIPTION_FIELDS = ("description", *WRITABLE_DESCRIPTION_FIELDS)
PUBLICATION_FIELDS = ("status", "published_at", "created_at", "updated_at", "is_demo", "source_note")


class LocalizedNameField(serializers.CharField):
    """The name in the request's language (Accept-Language), falling back to English, the original, then any."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", _("In the language of the request, with fallbacks."))
        super().__init__(**kwargs)


# --- Brief forms ----------------------------------------------------------------------
class CountryBriefSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:country-detail")
    name = LocalizedNameField()

    class Meta:
        model = Country
        fields = ["id", "url", "iso2", "name"]


class RegionBriefSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:region-detail")
    name = LocalizedNameField()

    class Meta:
        model = Region
        fields = ["id", "url", "iso_code", "name"]


class SectorBriefSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:sector-detail")
    name = LocalizedNameField()

    class Meta:
        model = Sector
        fields = ["id", "url", "code", "level", "name"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:organisation-detail")
    name = LocalizedNameField()

    class Meta:
        model = Organisation
        fields = ["id", "url", "name", "kind"]


def country_brief(**kwargs):
    return brief_field(CountryBriefSerializer, "api:country-detail", ("iso2", "name"), **kwargs)


def region_brief(**kwargs):
    return brief_field(RegionBriefSerializer, "api:region-detail", ("iso_code", "name"), **kwargs)


def sector_brief(**kwargs):
    return brief_field(SectorBriefSerializer, "api:sector-detail", ("code", "level", "name"), **kwargs)


def organisation_brief(**kwargs):
    return brief_field(OrganisationBriefSerializer, "api:organisation-detail", ("name", "kind"), **kwargs)


# --- Reference data ---------------------------------------------------------------------
class BlocMembershipSerializer(serializers.ModelSerializer):
    country = CountryBriefSerializer()

    class Meta:
        model = BlocMembership
        fields = ["country", "status", "joined_on", "left_on", "note"]


class BlocSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:bloc-detail")
    name = LocalizedNameField()
    abbreviation = serializers.CharField(read_only=True)
    memberships = BlocMembershipSerializer(many=True, read_only=True)

    class Meta:
        model = Bloc
        fields = [
            "id",
            "url",
            "code",
            *NAME_FIELDS,
            "abbreviation",
            "abbreviation_en",
            "abbreviation_ru",
            "founded_on",
            "website",
            "memberships",
        ]


class CountrySerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:country-detail")
    name = LocalizedNameField()
    blocs = serializers.SerializerMethodField(help_text=_("Codes of the blocs the country is a member of today."))

    class Meta:
        model = Country
        fields = ["id", "url", "iso2", "iso3", "iso_numeric", *NAME_FIELDS, "blocs"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_blocs(self, obj) -> list[str]:
        return self.context["bloc_codes"].get(obj.pk, []) if "bloc_codes" in self.context else []


class RegionSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:region-detail")
    name = LocalizedNameField()
    country = CountryBriefSerializer(read_only=True)
    label_point = PointField(read_only=True)

    class Meta:
        model = Region
        fields = ["id", "url", "iso_code", "source_code", *NAME_FIELDS, "country", "label_point"]


class SectorSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:sector-detail")
    name = LocalizedNameField()
    parent = SectorBriefSerializer(read_only=True)

    class Meta:
        model = Sector
        fields = ["id", "url", "code", "level", "section_code", *NAME_FIELDS, "parent"]


# --- Organisations ----------------------------------------------------------------------
class OrganisationSerializer(serializers.ModelSerializer):
    url = DetailUrlField("api:organisation-detail")
    name = LocalizedNameField()
    description = serializers.CharField(read_only=True)
    country = country_brief()
    region = region_brief(allow_null=True)
    sectors = sector_brief(many=True)
    location = PointField(read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            *NAME_FIELDS,
            *DESCRIPTION_FIELDS,
            "kind",
            "country",
            "region",
            "city",
            "address",
            "location",
            "registration_number",
            "website",
            "email",
            "sectors",
            *PUBLICATION_FIELDS,
        ]


class OrganisationWriteSerializer(StrictWriteSerializer):
    location = PointField(required=False, allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            *WRITABLE_NAME_FIELDS,
            *WRITABLE_DESCRIPTION_FIELDS,
            "kind",
            "country",
            "region",
            "city",
            "address",
            "location",
            "registration_number",
            "website",
            "email",
            "sectors",
            "source_note",
        ]


# --- GeoJSON ----------------------------------------------------------------------------
class OrganisationFeatureSerializer(GeoFeatureModelSerializer):
    url = DetailUrlField("api:organisation-detail")
    name = LocalizedNameField()

    class Meta:
        model = Organisation
        geo_field = "location"
        list_serializer_class = FeatureListSerializer
        fields = ["id", "url", "name", "kind"]


class CountryFeatureSerializer(GeoFeatureModelSerializer):
    url = DetailUrlField("api:country-detail")
    name = LocalizedNameField()

    class Meta:
        model = Country
        geo_field = "boundary"
        list_serializer_class = FeatureListSerializer
        fields = ["id", "url", "iso2", "name"]


class RegionFeatureSerializer(GeoFeatureModelSerializer):
    url = DetailUrlField("api:region-detail")
    name = LocalizedNameField()

    class Meta:
        model = Region
        geo_field = "boundary"
        list_serializer_class = FeatureListSerializer
        fields = ["id", "url", "iso_code", "name", "country"]
