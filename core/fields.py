from django import forms
from django.db import models


class ChoiceListField(models.JSONField):
    """A JSON list of choice values, edited as checkboxes (e.g. grade bands)."""

    def __init__(self, *args, item_choices=None, **kwargs):
        self.item_choices = list(item_choices or [])
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )


class CentsAsDollarsField(forms.DecimalField):
    """Editors type dollars ("49.00"); the model keeps whole cents (4900), the unit Stripe charges in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # The instance's stored cents arrive as an int; what the editor typed comes back as text.
        if isinstance(value, int):
            return f"{value / 100:.2f}"
        return value

    def clean(self, value):
        dollars = super().clean(value)
        return None if dollars is None else int(dollars * 100)

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True
