"""Forms for managers of the organisations involved; the services apply the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from directory.models import Country, Organisation
from foresight.models import Priority
from technoparks.models import Technopark

from .choices import ParticipantRole, ProjectStage, TeamRole
from .models import CallApplication, Idea, Project, ProjectFunding, ProjectGoal
from .permissions import managed_organisations


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Gives every widget the Bootstrap class of its kind."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
    return form


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class BootstrapModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ProjectForm(BootstrapModelForm):
    clusters = forms.ModelMultipleChoiceField(
        queryset=Cluster.objects.published().only("id", "name_en", "name_ru", "name_original", "name_zh"),
        required=False,
        label=_("Clusters"),
    )
    technoparks = forms.ModelMultipleChoiceField(
        queryset=Technopark.objects.published().only("id", "name_en", "name_ru", "name_original", "name_zh"),
        required=False,
        label=_("Technoparks"),
    )
    priorities = forms.ModelMultipleChoiceField(
        queryset=Priority.objects.all(), required=False, label=_("Foresight priorities")
    )
    website = forms.URLField(required=False, assume_scheme="https", label=_("Website"))

    class Meta:
        model = Project
        fields = [
            "name_en",
            "name_ru",
            "name_zh",
            "name_original",
            "original_language",
            "description_en",
            "description_ru",
            "programme",
            "lead_organisation",
            "trl_start",
            "trl_target",
            "starts_on",
            "ends_on",
            "budget",
            "currency",
            "website",
            "clusters",
            "technoparks",
            "priorities",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_ru": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = managed_organisations(user).select_related("country")
        if self.instance.pk:
            for name in ("clusters", "technoparks", "priorities"):
                self.initial[name] = list(getattr(self.instance, name).values_list("pk", flat=True))

    def split(self) -> tuple[dict, dict]:
        """The project's own fields and its links, as the services take them."""
        data = dict(self.cleaned_data)
        related = {name: data.pop(name) for name in ("clusters", "technoparks", "priorities")}
        return data, related

    def _post_clean(self):
        # The services validate the record as a whole; the form only checks each field's value.
        pass


class TransitionForm(BootstrapForm):
    to_stage = forms.ChoiceField(choices=ProjectStage.choices, label=_("New status"))
    note = forms.CharField(max_length=300, required=False, label=_("Note"))


class ParticipantForm(BootstrapForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.published().select_related("country"), label=_("Organisation")
    )
    role = forms.ChoiceField(
        choices=[c for c in ParticipantRole.choices if c[0] != ParticipantRole.LEAD], label=_("Role")
    )


class FundingForm(BootstrapModelForm):
    class Meta:
        model = ProjectFunding
        fields = ["source", "country", "funder", "amount", "currency", "note"]

    def _post_clean(self):
        pass


class GoalForm(BootstrapModelForm):
    class Meta:
        model = ProjectGoal
        fields = ["statement", "indicator", "unit", "baseline", "due_year"]

    def _post_clean(self):
        pass


class GoalValueForm(BootstrapForm):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(min_value=1990, max_value=2100, label=_("Year"))
    target = forms.DecimalField(max_digits=18, decimal_places=2, label=_("Target"))
    actual = forms.DecimalField(max_digits=18, decimal_places=2, required=False, label=_("Actual"))


class TeamForm(BootstrapForm):
    name = forms.CharField(max_length=200, label=_("Team name"))


class TeamMemberForm(BootstrapForm):
    team = forms.IntegerField(widget=forms.HiddenInput)
    full_name = forms.CharField(max_length=200, label=_("Full name"))
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    role = forms.ChoiceField(choices=TeamRole.choices, label=_("Role"))

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["organisation"].queryset = Organisation.objects.filter(project_participations__project=project)


class IdeaForm(BootstrapModelForm):
    tags = forms.CharField(max_length=400, required=False, label=_("Tags"), help_text=_("Separated by commas."))

    class Meta:
        model = Idea
        fields = [
            "kind",
            "name_en",
            "name_ru",
            "description_en",
            "description_ru",
            "country",
            "sector",
            "author_organisation",
            "priorities",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_ru": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_organisation"].queryset = managed_organisations(user)
        self.fields["country"].queryset = Country.objects.defer("boundary")

    def _post_clean(self):
        pass


class ApplicationForm(BootstrapModelForm):
    class Meta:
        model = CallApplication
        fields = ["organisation", "project", "title", "summary", "requested_amount"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = managed_organisations(user)
        self.fields["organisation"].queryset = organisations
        self.fields["project"].queryset = Project.objects.filter(participations__organisation__in=organisations)

    def _post_clean(self):
        pass
