"""Forms of the Commission's secretariat and the member states' representatives."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Country

from .pool_choices import DocumentKind, MeetingKind, Position


def _bootstrap(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
        field.widget.attrs.setdefault("class", css)


class _Form(forms.Form):
    def __init__(self, *args, states=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("country", "presiding_country", "host_country"):
            if name in self.fields:
                self.fields[name].queryset = (
                    Country.objects.filter(pk__in=[s.pk for s in states])
                    if states is not None
                    else Country.objects.defer("boundary")
                )
        _bootstrap(self)


class MeetingForm(_Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, label=_("Kind"))
    presiding_country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Presiding state"))
    host_country = forms.ModelChoiceField(
        queryset=Country.objects.none(),
        required=False,
        label=_("Held in"),
        help_text=_("A regular meeting is held in the presiding state; leave empty for the SCO Secretariat."),
    )
    city = forms.CharField(max_length=120, required=False, label=_("City"))
    held_on = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    council_meeting_on = forms.DateField(
        required=False,
        label=_("Council of Heads of Government meets on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProposalForm(_Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Party"))
    title = forms.CharField(max_length=300, label=_("Proposal"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Details"))


class DocumentForm(_Form):
    kind = forms.ChoiceField(
        choices=[c for c in DocumentKind.choices if c[0] not in (DocumentKind.DRAFT_WORK_PLAN, DocumentKind.PROTOCOL)],
        label=_("Document"),
    )
    title = forms.CharField(max_length=300, label=_("Title"))
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Text"))
    file = forms.FileField(required=False, label=_("File"))


class WorkPlanDraftForm(_Form):
    proposals = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Proposals to include")
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = meeting.proposals.select_related("country") if meeting else None
        self.fields["proposals"].widget.attrs["class"] = "form-check-input"


class DecisionForm(_Form):
    title = forms.CharField(max_length=300, label=_("Decision"))
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Text"))
    approves_work_plan = forms.BooleanField(required=False, label=_("This decision approves the work plan"))


class PositionForm(_Form):
    decision = forms.IntegerField(widget=forms.HiddenInput)
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Member state"))
    position = forms.ChoiceField(choices=Position.choices, label=_("Position"))
