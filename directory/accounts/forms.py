from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from directory.registration.forms import style


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), help_text=_("We send a link to confirm it; it is also your sign-in."))
    full_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class SignInForm(AuthenticationForm):
    """Sign-in by e-mail (the username of accounts made by sign-up) or by an administrator-given username."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail or username")
        style(self)

    def clean_username(self):
        username = self.cleaned_data.get("username", "").strip()
        return username.lower() if "@" in username else username


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail goes through the queue like every other e-mail of the portal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from django.db import transaction

        from directory.tasks import send_email
        from eaeu_portal.outbox import enqueue

        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        transaction.on_commit(lambda: enqueue(send_email, to=[to_email], subject=subject, body=body))
