from django import forms

from resources.models import GradeBand


class GradeBandsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes for a JSON list of grade band codes."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=GradeBand.choices)

    def format_value(self, value):
        if isinstance(value, str):
            import json

            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        return [str(v) for v in (value or [])]
