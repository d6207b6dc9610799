from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Bloc, Country

from .choices import PriorityLevel
from .models import Indicator

COLUMN_CHOICES = [
    ("listed", _("Priorities anyone lists")),
    ("shared", _("Shared by two or more")),
    ("unique", _("Listed by only one")),
    ("all", _("All priorities")),
]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class CountryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MatrixForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=PriorityLevel.choices, initial=PriorityLevel.PRIORITY, required=False
    )
    columns = forms.ChoiceField(label=_("Columns"), choices=COLUMN_CHOICES, initial="listed", required=False)

    def cleaned_level(self) -> str:
        return (self.cleaned_data.get("level") if self.is_valid() else None) or PriorityLevel.PRIORITY

    def cleaned_columns(self) -> str:
        return (self.cleaned_data.get("columns") if self.is_valid() else None) or "listed"


class CountryMatrixForm(MatrixForm):
    country = CountryChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        to_field_name="iso2",
        required=False,
        help_text=_("Choose two or more to see the priorities they share."),
    )
    bloc = forms.ModelChoiceField(
        label=_("Bloc"),
        queryset=Bloc.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("Any bloc"),
    )

    field_order = ["country", "bloc", "level", "columns"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = (
            Country.objects.filter(priority_lists__isnull=False).distinct().order_by("name_en")
        )


class RegionMatrixForm(MatrixForm):
    country = CountryChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        to_field_name="iso2",
        required=False,
    )

    field_order = ["country", "level", "columns"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = (
            Country.objects.filter(regions__specialisation_profile__isnull=False).distinct().order_by("name_en")
        )


class IndicatorCompareForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.all(), to_field_name="code", required=False, empty_label=None
    )
    country = CountryChoiceField(
        label=_("Countries"), queryset=Country.objects.none(), to_field_name="iso2", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = (
            Country.objects.filter(indicator_values__isnull=False).distinct().order_by("name_en")
        )


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, a header line with: indicator, area, year, value, and optionally unit, source, "
            "approximate. Every line must be valid, or nothing is loaded."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it into several files."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as CSV UTF-8 and try again.")) from exc
