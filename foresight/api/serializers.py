from rest_framework import serializers

from ..models import (
    Indicator,
    IndicatorValue,
    Priority,
    PriorityList,
    PriorityListEntry,
    SpecialisationGoal,
    SpecialisationPriority,
    SpecialisationProfile,
    SpecialisationSector,
    Stakeholder,
    SwotItem,
    Trend,
    TrendSignal,
)


# --- Brief references ------------------------------------------------------------------------------
class BriefPrioritySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:foresight-priority-detail")

    class Meta:
        model = Priority
        fields = ["id", "url", "code", "level", "name"]


class CountryRefField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="iso2", read_only=True, **kwargs)


# --- Taxonomy -------------------------------------------------------------------------------------------
class PrioritySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:foresight-priority-detail")
    name = serializers.CharField(read_only=True)
    parent = BriefPrioritySerializer(read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Priority
        fields = [
            "id",
            "url",
            "code",
            "level",
            "name",
            "name_en",
            "name_ru",
            "name_zh",
            "name_original",
            "description_en",
            "description_ru",
            "parent",
            "parent_code",
            "source_note",
        ]


# --- Lists -------------------------------------------------------------------------------------------------
class PriorityListEntrySerializer(serializers.ModelSerializer):
    priority = BriefPrioritySerializer(read_only=True)

    class Meta:
        model = PriorityListEntry
        fields = ["position", "priority", "wording"]


class PriorityListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:foresight-prioritylist-detail")
    name = serializers.CharField(read_only=True)
    country = CountryRefField()
    bloc = serializers.SlugRelatedField(slug_field="code", read_only=True)
    entries = PriorityListEntrySerializer(many=True, read_only=True)

    class Meta:
        model = PriorityList
        fields = [
            "id",
            "url",
            "code",
            "scope",
            "country",
            "bloc",
            "name",
            "name_en",
            "name_ru",
            "year_adopted",
            "source_document",
            "source_url",
            "is_current",
            "is_approximate",
            "entries",
        ]


# --- Trends --------------------------------------------------------------------------------------------------
class TrendSignalSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrendSignal
        fields = ["title", "source", "url", "observed_on"]


class TrendSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:foresight-trend-detail")
    name = serializers.CharField(read_only=True)
    priorities = BriefPrioritySerializer(many=True, read_only=True)
    signals = TrendSignalSerializer(many=True, read_only=True)

    class Meta:
        model = Trend
        fields = [
            "id",
            "url",
            "code",
            "name",
            "name_en",
            "name_ru",
            "description_en",
            "description_ru",
            "horizon_year",
            "impact",
            "priorities",
            "signals",
            "is_demo",
            "source_note",
        ]


# --- Smart specialisation ----------------------------------------------------------------------------------
class SpecialisationPrioritySerializer(serializers.ModelSerializer):
    priority = BriefPrioritySerializer(read_only=True)

    class Meta:
        model = SpecialisationPriority
        fields = ["priority", "strength", "rationale_en", "rationale_ru"]


class SpecialisationSectorSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = SpecialisationSector
        fields = ["sector", "sector_name", "strength", "rationale_en", "rationale_ru"]


class StakeholderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stakeholder
        fields = ["name", "organisation", "helix", "current_role", "agreed_role", "is_leader"]


class GoalSerializer(serializers.ModelSerializer):
    priority = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SpecialisationGoal
        fields = ["year", "title_en", "title_ru", "target", "status", "priority"]


class SwotItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SwotItem
        fields = ["kind", "text_en", "text_ru", "position"]


class SpecialisationProfileSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:foresight-specialisation-detail")
    region = serializers.SlugRelatedField(slug_field="iso_code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    country = serializers.CharField(source="region.country.iso2", read_only=True)
    priorities = SpecialisationPrioritySerializer(source="priority_choices", many=True, read_only=True)
    sectors = SpecialisationSectorSerializer(source="sector_choices", many=True, read_only=True)
    stakeholders = StakeholderSerializer(many=True, read_only=True)
    goals = GoalSerializer(many=True, read_only=True)
    swot = SwotItemSerializer(source="swot_items", many=True, read_only=True)

    class Meta:
        model = SpecialisationProfile
        fields = [
            "id",
            "url",
            "region",
            "region_name",
            "country",
            "summary_en",
            "summary_ru",
            "strategy_document",
            "adopted_year",
            "is_demo",
            "source_note",
            "priorities",
            "sectors",
            "stakeholders",
            "goals",
            "swot",
        ]


# --- S&T statistics ----------------------------------------------------------------------------------------
class IndicatorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:foresight-indicator-detail")
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "url",
            "code",
            "name",
            "name_en",
            "name_ru",
            "description_en",
            "description_ru",
            "unit",
            "manual",
            "source",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    country = CountryRefField()
    region = serializers.SlugRelatedField(slug_field="iso_code", read_only=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False, read_only=True)

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "country", "region", "year", "value", "unit", "source", "is_approximate"]
