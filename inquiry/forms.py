from django import forms

from .models import Cycle, CycleType, Sort
from .selectors import concepts_for_choice, probes_for_choice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SortForm(forms.ModelForm):
    class Meta:
        model = Sort
        fields = ["class_label", "concept", "probe", "is_group"]
        labels = {
            "concept": "High Leverage Concept",
            "probe": "Probe (optional)",
            "is_group": "Faculty-meeting sort: several teachers' work on one board",
        }

    def __init__(self, *args, may_run_group: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_run_group:
            # Group sorts are a coach's tool for "Using Student Work" meetings.
            del self.fields["is_group"]
        self.fields["concept"].queryset = concepts_for_choice()
        self.fields["concept"].label_from_instance = lambda c: f"Grade {c.grade.code}: {c.title}"
        self.fields["probe"].queryset = probes_for_choice()

    def clean_class_label(self):
        from .uploads import NAME_WARNING, looks_like_a_name

        label = " ".join(self.cleaned_data["class_label"].split())
        if looks_like_a_name(label):
            raise forms.ValidationError(NAME_WARNING.format(text=label))
        return label


class UploadForm(forms.Form):
    contributor = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Whose class is this work from?",
        help_text="On a faculty-meeting board each teacher may open the board her class's work is on.",
    )
    files = forms.FileField(
        label="Photos or scans of student work",
        help_text="JPEG, PNG, HEIC or PDF (each PDF page becomes a piece). No student names: in the work, or in the file "
        "name. Photo details such as place and time are removed when you upload.",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,application/pdf"}),
    )

    def __init__(self, *args, contributors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contributors is None:
            del self.fields["contributor"]
        else:
            self.fields["contributor"].queryset = contributors


class NotesForm(forms.ModelForm):
    class Meta:
        model = Sort
        fields = ["showing", "telling", "next_focus"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ["showing", "telling", "next_focus"]}


class CycleStartForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["question", "cycle_type"]
        labels = {"question": "Your question about a practice", "cycle_type": "Kind of cycle"}
        help_texts = {"question": "e.g. Will a daily number string on making tens move more students to Makes a ten?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle_type"].queryset = CycleType.objects.all()
        self.fields["cycle_type"].required = False


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["cycle_type", "practice", "practice_resources", "practice_lessons", "follow_up", "result"]
        labels = {
            "practice_resources": "Resources you used",
            "practice_lessons": "Course lessons you drew on",
            "follow_up": "Follow-up sort",
            "cycle_type": "Kind of cycle",
        }
        widgets = {
            "practice": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 3}),
            "practice_resources": forms.CheckboxSelectMultiple,
            "practice_lessons": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, resources, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].queryset = Sort.objects.filter(owner=user).exclude(pk=self.instance.baseline_id)
        self.fields["follow_up"].required = False
        self.fields["practice_resources"].queryset = resources
        self.fields["practice_resources"].required = False
        self.fields["practice_lessons"].queryset = lessons
        self.fields["practice_lessons"].required = False
        self.fields["cycle_type"].queryset = CycleType.objects.all()
        self.fields["cycle_type"].required = False
