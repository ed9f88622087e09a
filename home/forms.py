"""The district inquiry form: Wagtail's form builder fields plus a trap field people never see."""

from django import forms

# Named like a field autofill might skip but a form-filling bot will not.
HONEYPOT_FIELD = "website"


class HoneypotFormMixin(forms.Form):
    """Adds an empty-by-design field, hidden from people and assistive technology; a bot fills it in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def visible_fields(self):
        # The page template places the trap on its own, inside a wrapper hidden from people.
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def is_bot(self) -> bool:
        """Did the sender fill the trap? Read from the raw data: it never reaches the stored answers."""
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())

    def answers(self) -> dict:
        """The cleaned answers to store, without the trap."""
        return {name: value for name, value in self.cleaned_data.items() if name != HONEYPOT_FIELD}


def answers_as_initial(data, *, skip=("csrfmiddlewaretoken", HONEYPOT_FIELD)) -> dict:
    """What someone typed, as a form's initial values: shown again when their post was held back unread."""
    initial = {}
    for name in data:
        if name in skip:
            continue
        values = data.getlist(name)
        initial[name] = values if len(values) > 1 else values[0]
    return initial
