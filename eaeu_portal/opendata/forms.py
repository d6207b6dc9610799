"""The forms of the import steps: the upload, the column mapping and the confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import import_kinds
from .importing import check_mapping
from .readers import ENCODINGS, format_from_name


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX (first sheet) or GeoJSON (points); the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.geojson,.json"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=[(code, label) for code, label in ENCODINGS.items()],
        initial="utf-8",
        help_text=_("Excel's “CSV UTF-8” is UTF-8; an older Russian-language Excel saves CSV as Windows-1251."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in import_kinds().items()]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not format_from_name(uploaded.name):
            raise forms.ValidationError(_("Upload a .csv, .xlsx or .geojson file."))
        return uploaded


class MappingForm(forms.Form):
    """One choice per field of the kind: which column of the file holds it."""

    def __init__(self, *args, kind, header: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.header = header
        choices = [("", _("— not in the file —")), *((column, column) for column in header)]
        for f in kind.importable_fields():
            self.fields[f.name] = forms.ChoiceField(
                label=f.label,
                choices=choices,
                required=False,
                initial=initial_mapping.get(f.name, ""),
                help_text=f.help,
            )
            self.fields[f.name].is_required_column = f.required

    def clean(self):
        data = super().clean()
        mapping = {name: column for name, column in data.items() if column}
        for problem in check_mapping(self.kind, mapping, self.header):
            self.add_error(None, problem)
        data["mapping"] = mapping
        return data


class ConfirmForm(forms.Form):
    publish = forms.BooleanField(
        label=_("Publish the new records at once"),
        required=False,
        help_text=_("Otherwise they enter moderation as submitted. Updated records keep their status."),
    )
    only_valid = forms.BooleanField(
        label=_("Import only the valid rows"),
        required=False,
        help_text=_("Without this, a file with any refused row imports nothing."),
    )

    def __init__(self, *args, refused: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean(self):
        data = super().clean()
        if self.refused and not data.get("only_valid"):
            raise forms.ValidationError(
                _(
                    "%(count)s rows are refused, so the file as a whole cannot be imported: fix them and upload the "
                    "file again, or choose to import only the valid rows."
                )
                % {"count": self.refused}
            )
        return data
