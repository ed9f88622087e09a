"""Registration forms: one click for yourself, or a named group with card or invoice payment."""

from django import forms

from .models import Registration

GROUP_ROWS_DEFAULT = 3
GROUP_ROWS_MAX = 60


class AttendeeForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="E-mail address")
    role = forms.CharField(max_length=100, required=False, label="Role", help_text="e.g. Grade 3 teacher, math coach")


class BaseAttendeeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        emails = []
        for form in self.forms:
            email = (form.cleaned_data.get("email") or "").lower()
            if email and email in emails:
                raise forms.ValidationError(f"{email} is listed twice: each attendee needs their own address.")
            if email:
                emails.append(email)
        if not emails:
            raise forms.ValidationError("Name at least one attendee.")

    def attendees(self) -> list[dict]:
        return [
            {k: f.cleaned_data.get(k, "") for k in ("name", "email", "role")}
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("email")
        ]


def attendee_formset(*, rows: int, data=None, initial=None, fixed: bool = False):
    """`fixed`: exactly `rows` people (editing an existing registration); otherwise blank rows are skipped."""
    extra = 0 if initial else rows
    FormSet = forms.formset_factory(
        AttendeeForm,
        formset=BaseAttendeeFormSet,
        extra=extra,
        min_num=rows if fixed else 1,
        validate_min=True,
        max_num=GROUP_ROWS_MAX,
        validate_max=True,
    )
    return FormSet(data=data, initial=initial, prefix="attendee")


def _payment_choices(event) -> list[tuple[str, str]]:
    labels = {
        Registration.PaymentMethod.FREE: "Free: nothing to pay",
        Registration.PaymentMethod.CARD: "Card, now (secure checkout by Stripe)",
        Registration.PaymentMethod.INVOICE: "Invoice / purchase order (pay later)",
    }
    return [(method, labels[method]) for method in event.offered_payment_methods()]


class SelfRegistrationForm(forms.Form):
    """The one-click "Register" button: only a method the workshop offers (or none: the default)."""

    payment_method = forms.ChoiceField(required=False, choices=[])

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = [("", "")] + _payment_choices(event)


class GroupRegistrationForm(forms.Form):
    payment_method = forms.ChoiceField(widget=forms.RadioSelect, label="How will you pay?", choices=[])
    organization_name = forms.CharField(max_length=200, required=False, label="School or district")
    po_number = forms.CharField(max_length=64, required=False, label="Purchase order (PO) number")
    billing_contact = forms.CharField(max_length=200, required=False, label="Billing contact name")
    billing_email = forms.EmailField(required=False, label="Billing contact e-mail")
    billing_address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Billing address")

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _payment_choices(event)
        self.fields["payment_method"].choices = choices
        self.fields["payment_method"].initial = choices[0][0]
        if len(choices) == 1:
            self.fields["payment_method"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("payment_method") == Registration.PaymentMethod.INVOICE:
            for name in ("po_number", "billing_contact", "billing_email"):
                if not cleaned.get(name):
                    self.add_error(name, "Needed for an invoice.")
        return cleaned
