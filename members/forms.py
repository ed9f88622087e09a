from django import forms

from core.timezones import timezone_choices

from .models import GRADE_CHOICES, Role


class ProfileFieldsMixin(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    role = forms.ChoiceField(choices=[("", "Choose your role")] + Role.choices, required=False, label="Your role")
    grades_taught = forms.MultipleChoiceField(
        choices=GRADE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Grades you teach"
    )
    school = forms.CharField(max_length=200, required=False, label="School")
    district = forms.CharField(max_length=200, required=False, label="District")


class SignupProfileForm(ProfileFieldsMixin):
    """Extra fields on allauth's sign-up form."""

    field_order = [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "role",
        "grades_taught",
        "school",
        "district",
    ]

    def signup(self, request, user):
        for field in ("first_name", "last_name", "role", "school", "district"):
            setattr(user, field, self.cleaned_data.get(field, ""))
        user.grades_taught = self.cleaned_data.get("grades_taught", [])
        user.save()


class ProfileForm(ProfileFieldsMixin):
    time_zone = forms.ChoiceField(
        choices=timezone_choices,
        required=False,
        label="Your time zone",
        help_text="Online workshops also show their times in this zone.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "grades_taught": user.grades_taught,
            "school": user.school,
            "district": user.district,
            "time_zone": user.time_zone,
        }
        super().__init__(*args, initial=initial, **kwargs)


# What browsers send for a .csv file (Windows with Excel installed labels CSV as ms-excel).
CSV_CONTENT_TYPES = {"text/csv", "application/csv", "application/vnd.ms-excel"}
HEADER_WORDS = {"email", "e-mail", "email address", "e-mail address", "mail"}


def _is_header(cells: list[str]) -> bool:
    """A first row that names the columns (no address in it, an "email" heading) is not a teacher."""
    return not any("@" in cell for cell in cells) and any(cell.lower() in HEADER_WORDS for cell in cells)


class InviteForm(forms.Form):
    """A leader invites teachers: addresses typed in, a CSV file, or both."""

    emails = forms.CharField(
        label="E-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One address per line, or separated by commas.",
    )
    csv_file = forms.FileField(
        label="Or upload a CSV file",
        required=False,
        help_text="One teacher per row; we use the first cell that looks like an e-mail address.",
    )

    def clean_emails(self):
        import re

        from django.conf import settings
        from django.core.validators import validate_email

        raw = [part.strip() for part in re.split(r"[\s,;]+", self.cleaned_data.get("emails", "")) if part.strip()]
        max_rows = getattr(settings, "INVITE_CSV_MAX_ROWS", 500)
        if len(raw) > max_rows:
            raise forms.ValidationError(f"At most {max_rows} addresses can be invited at once; you typed {len(raw)}.")
        bad = []
        for address in raw:
            try:
                validate_email(address)
            except forms.ValidationError:
                bad.append(address)
        if bad:
            raise forms.ValidationError("These do not look like e-mail addresses: " + ", ".join(bad))
        return list(dict.fromkeys(a.lower() for a in raw))

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return None
        import csv
        import io

        from django.conf import settings

        max_bytes = getattr(settings, "INVITE_CSV_MAX_BYTES", 256 * 1024)
        max_rows = getattr(settings, "INVITE_CSV_MAX_ROWS", 500)
        if upload.size > max_bytes:
            raise forms.ValidationError(
                f"That file is larger than {max_bytes // 1024} KB. Split it into files of at most {max_rows} rows."
            )
        name = (upload.name or "").lower()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if not name.endswith(".csv") or content_type not in CSV_CONTENT_TYPES:
            raise forms.ValidationError("Choose a .csv file (one teacher per row); other kinds of file are refused.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("We could not read that file. Save it as CSV (UTF-8) and try again.") from None
        if "\x00" in text:
            raise forms.ValidationError("That is not a text CSV file. Save it as CSV (UTF-8) and try again.")
        try:
            rows = [
                [cell.strip() for cell in row if cell.strip()]
                for row in csv.reader(io.StringIO(text))
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:
            raise forms.ValidationError(
                "We could not read that file as CSV (a cell is too long or a quote is not closed)."
            ) from None
        if rows and _is_header(rows[0]):
            rows = rows[1:]
        if len(rows) > max_rows:
            raise forms.ValidationError(
                f"That file has {len(rows)} rows; at most {max_rows} can be invited at once. "
                "Split it into smaller files."
            )
        if not rows:
            raise forms.ValidationError("That file has no rows to invite.")
        self.cleaned_data["csv_rows"] = rows
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("emails") and not cleaned.get("csv_rows"):
            raise forms.ValidationError("Type at least one e-mail address or choose a CSV file.")
        return cleaned


class AccountDeleteForm(forms.Form):
    confirm = forms.CharField(
        label='Type "DELETE" to confirm',
        help_text="This cannot be undone.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != "DELETE":
            raise forms.ValidationError("Type the word DELETE to confirm. Your account has not been changed.")
        return value

    def clean(self):
        from .models import Membership

        renewing = Membership.objects.filter(
            Membership.access_q(), user=self.user, cancel_at_period_end=False, stripe_subscription_id__isnull=False
        ).exists()
        if renewing:
            raise forms.ValidationError(
                "Your paid membership still renews. Cancel it from My learning first, then delete your account."
            )
        return super().clean()


class EmailPreferencesForm(forms.Form):
    reminders = forms.BooleanField(
        required=False,
        label="Workshop reminders",
        help_text="A week and a day before a workshop you are registered for.",
    )
    notifications = forms.BooleanField(
        required=False,
        label="Workshop news",
        help_text="When a workshop you registered for changes its time, place or joining link.",
    )
