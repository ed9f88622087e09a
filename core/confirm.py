"""A confirmation step for destructive staff actions: GET shows what will happen, POST does it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View


class ConfirmActionView(View):
    """Subclasses say who may act (`user_may_act`), what to load (`get_object`), and what to do (`perform`).

    `perform` returns the message to show, or raises ValueError with a message for the staff member.
    """

    template_name = "core/admin/confirm_action.html"
    form_class: type[forms.Form] | None = None
    title = "Are you sure?"
    confirm_label = "Yes, do it"
    destructive = True

    def user_may_act(self, user) -> bool:
        raise NotImplementedError

    def get_object(self):
        raise NotImplementedError

    def describe(self, obj) -> str:
        """What will happen, in one or two sentences."""
        return ""

    def perform(self, obj, form) -> str:
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_act(request.user):
            raise PermissionDenied
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data=None):
        return self.form_class(data) if self.form_class else None

    def render(self, form):
        return TemplateResponse(
            self.request,
            self.template_name,
            {
                "page_title": self.title,
                "header_icon": "warning" if self.destructive else "tick",
                "object": self.object,
                "description": self.describe(self.object),
                "form": form,
                "confirm_label": self.confirm_label,
                "destructive": self.destructive,
                "cancel_url": self.get_success_url(self.object),
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render(form)
        try:
            message = self.perform(self.object, form)
        except ValueError as error:
            messages.error(request, str(error))
            return self.render(form)
        if message:
            messages.success(request, message)
        return redirect(self.get_success_url(self.object))
