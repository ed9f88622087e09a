from django import forms

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
    def __init__(self, *args, user, **kwargs):
        self.user = user
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "grades_taught": user.grades_taught,
            "school": user.school,
            "district": user.district,
        }
        super().__init__(*args, initial=initial, **kwargs)
