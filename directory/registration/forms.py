"""Forms of the guided registration and of moderation.

Step forms are plain forms built from the model's fields: they check the shape of the input, and the workflow
services check the rules (through `full_clean`), so a rule is written once, in the model.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db.models import ForeignKey, ManyToManyField, Model, Q, URLField
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from directory import access, workflow
from directory.choices import OrganisationKind, PublicationStatus
from directory.models import Country, Organisation

from .logos import validate_logo
from .steps import Step

ROW_FIELDS = {"memberships", "indicators", "residencies"}


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def visible_organisations(user):
    """Organisations a manager may link to an entry: published ones and their own."""
    return Organisation.objects.filter(
        Q(status=PublicationStatus.PUBLISHED) | access.managed_records_q(user, Organisation)
    ).defer("location")


def _formfield(model_field, **kwargs):
    if isinstance(model_field, URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class VersionedForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)


class StepForm(VersionedForm):
    """The record's own fields that a step edits; `changes()` gives them in the snapshot's JSON form."""

    def __init__(self, *args, model: type[Model], step: Step, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        names = [name for name in step.fields if name != "location" and name not in ROW_FIELDS]
        self.has_location = "location" in step.fields
        for name, field in fields_for_model(model, fields=names, formfield_callback=_formfield).items():
            model_field = model._meta.get_field(name)
            if isinstance(model_field, ArrayField) and model_field.base_field.choices:
                field = forms.MultipleChoiceField(
                    label=model_field.verbose_name,
                    choices=model_field.base_field.choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            elif isinstance(model_field, ManyToManyField):
                field.widget.attrs["size"] = 8
                field.help_text = _("Hold Ctrl (or Cmd) to choose several.")
            elif isinstance(model_field, ForeignKey) and model_field.related_model is Organisation:
                field.queryset = visible_organisations(user)
            self.fields[name] = field
        if self.has_location:
            self.fields["longitude"] = forms.FloatField(
                label=_("Longitude"), required=False, min_value=-180, max_value=180, help_text=_("e.g. 49.1221")
            )
            self.fields["latitude"] = forms.FloatField(
                label=_("Latitude"), required=False, min_value=-90, max_value=90, help_text=_("e.g. 55.7887")
            )
        style(self)

    @classmethod
    def initial_from(cls, data: dict, version: str) -> dict:
        initial = {**data, "version": version}
        if data.get("location"):
            initial["longitude"], initial["latitude"] = data["location"]
        return initial

    def clean(self):
        cleaned = super().clean()
        if self.has_location:
            longitude, latitude = cleaned.get("longitude"), cleaned.get("latitude")
            if (longitude is None) != (latitude is None) and not self.errors:
                raise forms.ValidationError(_("Give both the longitude and the latitude, or neither."))
        return cleaned

    def changes(self) -> dict:
        changes = {}
        for name, value in self.cleaned_data.items():
            if name in ("version", "longitude", "latitude"):
                continue
            model_field = self.model._meta.get_field(name)
            if isinstance(model_field, ManyToManyField):
                changes[name] = sorted(item.pk for item in value)
            elif isinstance(model_field, ForeignKey):
                changes[name] = value.pk if value is not None else None
            else:
                changes[name] = workflow._dump(model_field, value)
        if self.has_location:
            longitude, latitude = self.cleaned_data.get("longitude"), self.cleaned_data.get("latitude")
            changes["location"] = None if longitude is None else [longitude, latitude]
        return changes


# --- Rows: members, residents, indicators ---------------------------------------------------
def _date_field(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OrganisationRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visible_organisations(user)
        style(self)

    def row(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "DELETE"}
        data["organisation"] = data["organisation"].pk
        return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in data.items()}


class MemberForm(OrganisationRowForm):
    role = forms.ChoiceField(label=_("Role"), initial="participant")
    joined_on = _date_field(_("Joined on"))
    left_on = _date_field(_("Left on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = apps.get_model("clusters", "Membership")._meta.get_field("role").choices


class ResidentForm(OrganisationRowForm):
    started_on = _date_field(_("Resident since"))
    ended_on = _date_field(_("Resident until"))


INDICATOR_FIELDS = workflow.CHILDREN["clusters.cluster"]["indicators"].fields


class IndicatorForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = apps.get_model("clusters", "ClusterIndicator")
        self.fields.update(fields_for_model(model, fields=INDICATOR_FIELDS))
        style(self)

    def row(self) -> dict:
        model = apps.get_model("clusters", "ClusterIndicator")
        return {
            key: value if key == "id" else workflow._dump(model._meta.get_field(key), value)
            for key, value in self.cleaned_data.items()
            if key != "DELETE"
        }


ROW_FORMS = {"members": ("memberships", MemberForm), "residents": ("residencies", ResidentForm)}
ROW_FORMS["indicators"] = ("indicators", IndicatorForm)


def row_formset(step_kind: str, *, user, data=None, initial=None):
    _name, form_class = ROW_FORMS[step_kind]
    formset_class = forms.formset_factory(form_class, extra=0, can_delete=True)
    if step_kind == "indicators":
        formset_class.extra = 1
    return formset_class(data=data, initial=initial, prefix="rows", form_kwargs={"user": user})


class NewOrganisationForm(forms.Form):
    """An organisation that is not in the registry yet, created on the spot as the manager's draft."""

    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    name_original = forms.CharField(label=_("Name (original language)"), max_length=300, required=False)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.defer("boundary"))
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices, initial=OrganisationKind.SME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="new", **kwargs)
        style(self)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_en") or cleaned.get("name_original")):
            raise forms.ValidationError(_("Give the organisation's name in English or in its original language."))
        return cleaned

    def data_for_record(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "name_en": cleaned["name_en"],
            "name_original": cleaned["name_original"],
            "country": cleaned["country"].pk,
            "kind": cleaned["kind"],
        }


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        validators=[validate_logo],
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = settings.REGISTRATION_LOGO_MAX_BYTES / (1024 * 1024)
        self.fields["logo"].help_text = _("PNG, JPEG or WebP, at most %(size)s MB.") % {"size": f"{megabytes:g}"}
        style(self)


class ReasonForm(VersionedForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (sent to the manager)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Tell the manager why: the reason is required."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
