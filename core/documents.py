"""The document upload form: a .vtt upload must really be WebVTT, so captions never fail silently in the player."""

from django import forms
from wagtail.documents.forms import BaseDocumentForm

from .captions import file_webvtt_error


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data and file.name.lower().endswith(".vtt"):
            problem = file_webvtt_error(file)
            if problem:
                raise forms.ValidationError(problem)
        return file
