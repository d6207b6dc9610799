"""Single-field rules of programmes, projects and calls."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

TRL_MIN, TRL_MAX = 1, 9

trl_validators = [
    MinValueValidator(TRL_MIN, message=_("A technology readiness level is from 1 to 9.")),
    MaxValueValidator(TRL_MAX, message=_("A technology readiness level is from 1 to 9.")),
]

validate_currency = RegexValidator(
    r"^[A-Z]{3}$", message=_("Give the currency as its three-letter ISO 4217 code, e.g. RUB, KZT, USD.")
)

validate_tag = RegexValidator(r"^[\w-]{1,40}$", message=_("A tag is one word of up to 40 letters, digits or hyphens."))
