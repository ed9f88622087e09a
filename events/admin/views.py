"""Staff views for workshops: overview, registrations across workshops (search, filters, export), invoices,
attendees with bulk check-in, sign-in sheet; cancelling a registration or a workshop is confirmed first."""

from __future__ import annotations

import re
from datetime import datetime, time

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.coreutils import multigetattr

from core.confirm import ConfirmActionView
from core.reports import LinksColumn, ReportLink, StaffReportView, local_time_text
from members.access import StaffAction, staff_can

from .. import services, staff
from ..models import Attendee, EventPage, Registration
from . import selectors

NAMESPACE = "events_admin"
REFERENCE = re.compile(r"^[Ww]?(\d{1,9})-(\d{1,12})$")


def may_view(user) -> bool:
    return staff_can(user, StaffAction.REGISTRATION_REPORTS)


def may_change(user) -> bool:
    return staff_can(user, StaffAction.MANAGE_REGISTRATIONS)


def _url(name: str, *args) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=args)


class WorkshopReportView(StaffReportView):
    def user_may_view(self, user) -> bool:
        return may_view(user)


# --- overview -----------------------------------------------------------------------------
class OverviewFilterSet(WagtailFilterSet):
    past = django_filters.BooleanFilter(label="Include past workshops", method="with_past")

    def with_past(self, queryset, name, value):
        return queryset if value else queryset.filter(end__gt=timezone.now())

    class Meta:
        model = EventPage
        fields = ["past"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("past"):
            queryset = queryset.filter(end__gt=timezone.now())  # upcoming only unless asked
        return super().filter_queryset(queryset)


class OverviewView(WorkshopReportView):
    """Every upcoming workshop with capacity, seats taken and waitlist at a glance."""

    page_title = "Workshop registrations"
    header_icon = "date"
    index_url_name = f"{NAMESPACE}:overview"
    index_results_url_name = f"{NAMESPACE}:overview_results"
    filterset_class = OverviewFilterSet
    export_filename = "workshops"
    columns = [
        TitleColumn("title", label="Workshop", get_url=lambda e: _url("event", e.pk)),
        Column("start", label="Starts", accessor="start_stamp"),
        Column("capacity", label="Capacity", accessor="seat_counter.capacity"),
        Column("confirmed_seats", label="Confirmed"),
        Column("pending_seats", label="Awaiting payment"),
        Column("waitlist_seats", label="Waitlist"),
        Column("invoices_due", label="Invoices due"),
    ]
    list_export = [
        "title",
        "start_stamp",
        "seat_counter.capacity",
        "confirmed_seats",
        "pending_seats",
        "waitlist_seats",
        "invoices_due",
    ]
    export_headings = {
        "title": "Workshop",
        "start_stamp": "Starts",
        "seat_counter.capacity": "Capacity",
        "confirmed_seats": "Confirmed",
        "pending_seats": "Awaiting payment",
        "waitlist_seats": "Waitlist",
        "invoices_due": "Invoices due",
    }

    def get_queryset(self):
        self.queryset = selectors.events_admin_overview().order_by("start")
        return super().get_queryset()


# --- registrations across workshops -------------------------------------------------------
class RegistrationFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(label="Workshop", queryset=EventPage.objects.order_by("-start"))
    status = django_filters.ChoiceFilter(
        choices=[*Registration.Status.choices, ("invoice_due", "Awaiting invoice payment")], method="by_status"
    )
    payment_method = django_filters.ChoiceFilter(choices=Registration.PaymentMethod.choices)

    def by_status(self, queryset, name, value):
        if value == "invoice_due":
            return queryset.filter(status=Registration.Status.CONFIRMED, invoice_status=Registration.InvoiceStatus.DUE)
        return queryset.filter(status=value)

    class Meta:
        model = Registration
        fields = ["event", "status", "payment_method"]


def _registration_actions(registration) -> list[ReportLink]:
    links = []
    ref = registration.reference
    if (
        registration.invoice_status == Registration.InvoiceStatus.DUE
        and registration.status == Registration.Status.CONFIRMED
    ):
        links.append(ReportLink("Mark invoice paid", _url("invoice_paid", registration.pk), "", ref))
    if registration.is_active:
        links.append(ReportLink("Cancel", _url("registration_cancel", registration.pk), "no", ref))
    return links


class RegistrationIndexView(WorkshopReportView):
    """Registrations across workshops; search finds a registration by anyone named on it."""

    page_title = "All registrations"
    header_icon = "group"
    index_url_name = f"{NAMESPACE}:registrations"
    index_results_url_name = f"{NAMESPACE}:registrations_results"
    filterset_class = RegistrationFilterSet
    is_searchable = True
    search_backend_name = None
    export_filename = "registrations"
    list_export = [
        "reference",
        "event.title",
        "purchaser.email",
        "attendee_names",
        "status_label",
        "get_payment_method_display",
        "invoice_number",
        "po_number",
        "organization_name",
        "total",
        "created",
        "event.start_stamp",
    ]
    export_headings = {
        "event.start_stamp": "Workshop starts",
        "reference": "Reference",
        "event.title": "Workshop",
        "purchaser.email": "Registered by",
        "attendee_names": "Attendees",
        "status_label": "Status",
        "get_payment_method_display": "Payment",
        "invoice_number": "Invoice",
        "po_number": "PO number",
        "organization_name": "Organization",
        "total": "Total",
        "created": "Registered at",
    }
    custom_field_preprocess = {
        "attendee_names": {
            fmt: lambda r: [f"{a.name} <{a.email}>" for a in r.attendees.all()] for fmt in ("csv", "xlsx")
        }
    }

    def to_row_dict(self, item):
        return {f: (item if f == "attendee_names" else multigetattr(item, f)) for f in self.list_export}

    @cached_property
    def columns(self):
        columns = [
            Column("reference", label="Reference"),
            TitleColumn("event", label="Workshop", accessor="event.title", get_url=lambda r: _url("event", r.event_id)),
            Column("purchaser", label="Registered by", accessor="purchaser.email"),
            Column("attendees", label="Attendees", accessor=lambda r: ", ".join(a.name for a in r.attendees.all())),
            Column("status", label="Status", accessor="status_label"),
            Column("payment", label="Payment", accessor="get_payment_method_display"),
            Column("created", label="Registered", accessor=lambda r: local_time_text(r.created)),
        ]
        if may_change(self.request.user):
            columns.append(LinksColumn("actions", label="Actions", accessor=_registration_actions))
        return columns

    def get_base_queryset(self):
        return selectors.registrations_admin()

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        q = self.search_query
        matches = (
            Q(purchaser__email__icontains=q)
            | Q(organization_name__icontains=q)
            | Q(po_number__icontains=q)
            | Q(attendees__name__icontains=q)
            | Q(attendees__email__icontains=q)
        )
        reference = REFERENCE.match(q.strip())  # "W12-00034": the reference printed on receipts and invoices
        if reference:
            matches |= Q(event_id=int(reference[1]), pk=int(reference[2]))
        return queryset.filter(pk__in=Registration.objects.filter(matches).values("pk"))


class EventRegistrationsView(RegistrationIndexView):
    """One workshop's registrations with its seat counts, links to attendees, sign-in sheet and cancelling."""

    template_name = "events/admin/event_registrations.html"
    index_url_name = f"{NAMESPACE}:event"
    index_results_url_name = f"{NAMESPACE}:event_results"

    @cached_property
    def event(self) -> EventPage:
        return get_object_or_404(EventPage.objects.select_related("seat_counter"), pk=self.kwargs["event_id"])

    def get_page_title(self):
        return self.event.title

    def get_filename(self):
        return f"registrations-{self.event.slug}"

    def get_index_url(self):
        return _url("event", self.event.pk)

    def get_index_results_url(self):
        return _url("event_results", self.event.pk)

    def get_base_queryset(self):
        return super().get_base_queryset().filter(event=self.event)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context.update(
            event=self.event,
            counter=self.event.counter,
            counts=selectors.event_status_counts(event=self.event),
            can_change=may_change(self.request.user),
        )
        return context


class InvoiceListView(RegistrationIndexView):
    """Every invoice across workshops, due ones first to act on."""

    page_title = "Workshop invoices"
    header_icon = "doc-full"
    index_url_name = f"{NAMESPACE}:invoices"
    index_results_url_name = f"{NAMESPACE}:invoices_results"
    export_filename = "workshop-invoices"
    list_export = [
        "invoice_number",
        "get_invoice_status_display",
        "reference",
        "event.title",
        "organization_name",
        "po_number",
        "billing_contact",
        "billing_email",
        "total",
        "created",
        "invoice_paid_at",
    ]
    export_headings = {
        **RegistrationIndexView.export_headings,
        "get_invoice_status_display": "Invoice status",
        "billing_contact": "Billing contact",
        "billing_email": "Billing e-mail",
        "invoice_paid_at": "Paid at",
    }

    @cached_property
    def columns(self):
        columns = [
            Column("invoice_number", label="Invoice"),
            Column("invoice_status", label="Status", accessor="get_invoice_status_display"),
            TitleColumn("event", label="Workshop", accessor="event.title", get_url=lambda r: _url("event", r.event_id)),
            Column("organization_name", label="Organization"),
            Column("po_number", label="PO number"),
            Column("total", label="Total", accessor=lambda r: f"${r.total:,.2f}"),
            Column("created", label="Registered", accessor=lambda r: local_time_text(r.created)),
        ]
        if may_change(self.request.user):
            columns.append(LinksColumn("actions", label="Actions", accessor=_registration_actions))
        return columns

    def get_base_queryset(self):
        return selectors.invoices_admin()


# --- attendees and check-in -----------------------------------------------------------------
class AttendeeFilterSet(WagtailFilterSet):
    everyone = django_filters.BooleanFilter(label="Include unconfirmed and cancelled", method="keep")

    def keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("everyone"):
            queryset = queryset.filter(registration__status=Registration.Status.CONFIRMED)
        return super().filter_queryset(queryset)

    class Meta:
        model = Attendee
        fields = ["everyone"]


class AttendeesView(WorkshopReportView):
    """One workshop's attendees: tick several and check them in at once; export for the venue."""

    template_name = "events/admin/attendees.html"
    results_template_name = "events/admin/attendees_results.html"
    header_icon = "user"
    index_url_name = f"{NAMESPACE}:attendees"
    index_results_url_name = f"{NAMESPACE}:attendees_results"
    filterset_class = AttendeeFilterSet
    is_searchable = True
    search_fields = ["name", "email", "registration__organization_name"]
    search_backend_name = None
    paginate_by = 100
    list_export = [
        "name",
        "email",
        "role",
        "registration.reference",
        "registration.status_label",
        "registration.get_payment_method_display",
        "registration.get_invoice_status_display",
        "registration.po_number",
        "registration.organization_name",
        "registration.purchaser.email",
        "registration.created",
        "checked_in_at",
    ]
    export_headings = {
        "name": "Name",
        "email": "E-mail",
        "role": "Role",
        "registration.reference": "Registration",
        "registration.status_label": "Status",
        "registration.get_payment_method_display": "Payment",
        "registration.get_invoice_status_display": "Invoice",
        "registration.po_number": "PO number",
        "registration.organization_name": "Organization",
        "registration.purchaser.email": "Purchaser e-mail",
        "registration.created": "Registered at",
        "checked_in_at": "Checked in at",
    }
    columns = [
        Column("name", label="Name"),
        Column("email", label="E-mail"),
        Column("registration", label="Registration", accessor="registration.reference"),
        Column("status", label="Status", accessor="registration.status_label"),
        Column("checked_in_at", label="Checked in", accessor=lambda a: local_time_text(a.checked_in_at)),
    ]

    @cached_property
    def event(self) -> EventPage:
        return get_object_or_404(EventPage, pk=self.kwargs["event_id"])

    def get_page_title(self):
        return f"Attendees: {self.event.title}"

    def get_filename(self):
        return f"attendees-{self.event.slug}"

    def get_index_url(self):
        return _url("attendees", self.event.pk)

    def get_index_results_url(self):
        return _url("attendees_results", self.event.pk)

    def get_base_queryset(self):
        return selectors.attendees_admin(event=self.event)

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["event"] = self.event
        context["can_change"] = may_change(self.request.user)
        return context


class BulkCheckInForm(forms.Form):
    attendee = forms.ModelMultipleChoiceField(
        queryset=Attendee.objects.none(), error_messages={"required": "Tick at least one attendee."}
    )
    present = forms.TypedChoiceField(choices=[("1", "Present"), ("0", "Absent")], coerce=lambda v: v == "1")
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = selectors.confirmed_attendees(event=event)


@require_POST
def bulk_check_in(request, event_id: int):
    """Check in (or mark absent) every ticked confirmed attendee of this workshop."""
    if not may_change(request.user):
        raise PermissionDenied
    event = get_object_or_404(EventPage, pk=event_id)
    form = BulkCheckInForm(request.POST, event=event)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_url("attendees", event.pk))
    present = form.cleaned_data["present"]
    try:
        for attendee in form.cleaned_data["attendee"]:
            staff.attendee_check_in(
                attendee=attendee, present=present, actor=request.user, note=form.cleaned_data["note"]
            )
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
        return redirect(_url("attendees", event.pk))
    count = len(form.cleaned_data["attendee"])
    messages.success(
        request, f"{count} attendee{'s' if count != 1 else ''} {'checked in' if present else 'marked absent'}."
    )
    return redirect(_url("attendees", event.pk))


def sign_in_sheet(request, event_id: int):
    """A printable list of confirmed attendees with a column to sign."""
    if not may_view(request.user):
        raise PermissionDenied
    event = get_object_or_404(EventPage.objects.select_related("seat_counter"), pk=event_id)
    return render(
        request,
        "events/admin/sign_in_sheet.html",
        {"event": event, "attendees": list(selectors.confirmed_attendees(event=event))},
    )


# --- confirmed actions ------------------------------------------------------------------------
class RegistrationActionView(ConfirmActionView):
    def user_may_act(self, user) -> bool:
        return may_change(user)

    def get_object(self):
        return get_object_or_404(
            Registration.objects.select_related("event", "purchaser", "order"), pk=self.kwargs["pk"]
        )

    def get_success_url(self, obj) -> str:
        return _url("event", obj.event_id)


class CancelReasonForm(forms.Form):
    reason = forms.CharField(label="Reason (optional, shown to the participant)", max_length=255, required=False)


class RegistrationCancelView(RegistrationActionView):
    title = "Cancel registration"
    confirm_label = "Cancel the registration"
    form_class = CancelReasonForm

    def describe(self, obj) -> str:
        refund = " The card payment is refunded." if obj.payment_method == "card" and obj.order_id else ""
        return (
            f"Registration {obj.reference} ({obj.purchaser.email}, {obj.seats} seat{'s' if obj.seats != 1 else ''}) "
            f"for “{obj.event.title}” is cancelled and its seats go to the waitlist.{refund}"
        )

    def perform(self, obj, form) -> str:
        try:
            services.registration_cancel(
                registration=obj, actor=self.request.user, reason=form.cleaned_data["reason"].strip()
            )
        except services.RegistrationError as exc:
            raise ValueError(str(exc)) from exc
        return f"Registration {obj.reference} cancelled; the waitlist has moved up."


class InvoicePaidForm(forms.Form):
    paid_on = forms.DateField(label="Payment received on", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label="Check number or transfer reference", max_length=100)


class InvoicePaidView(RegistrationActionView):
    title = "Mark invoice paid"
    confirm_label = "Mark paid"
    destructive = False
    form_class = InvoicePaidForm

    def describe(self, obj) -> str:
        return f"Invoice {obj.invoice_number} (PO {obj.po_number or '—'}, ${obj.total:,.2f}) is recorded as paid."

    def perform(self, obj, form) -> str:
        try:
            data = form.cleaned_data
            paid_on = timezone.make_aware(datetime.combine(data["paid_on"], time(12)))
            services.registration_mark_invoice_paid(registration=obj, paid_on=paid_on, reference=data["reference"])
        except services.RegistrationError as exc:
            raise ValueError(str(exc)) from exc
        return f"Invoice {obj.invoice_number} marked paid."


class EventCancelForm(forms.Form):
    message = forms.CharField(
        label="Message to participants (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class EventCancelView(ConfirmActionView):
    title = "Cancel workshop"
    confirm_label = "Cancel the workshop and notify everyone"
    form_class = EventCancelForm

    def user_may_act(self, user) -> bool:
        return may_change(user)

    def get_object(self):
        return get_object_or_404(EventPage.objects.select_related("seat_counter"), pk=self.kwargs["event_id"])

    def get_success_url(self, obj) -> str:
        return _url("event", obj.pk)

    def describe(self, obj) -> str:
        active = Registration.objects.filter(event=obj, status__in=Registration.ACTIVE).count()
        return (
            f"Cancelling “{obj.title}” cannot be undone. {active} active registration{'s' if active != 1 else ''} "
            "(confirmed, awaiting payment and waitlisted) will be cancelled. Everyone, buyers and named attendees, "
            "gets an e-mail, and card payments are refunded in full."
        )

    def perform(self, obj, form) -> str:
        count = staff.event_cancel(event=obj, message=form.cleaned_data["message"].strip())
        return f"“{obj.title}” is cancelled. {count} registration(s) were cancelled and told."


# --- the viewset ------------------------------------------------------------------------------
class WorkshopAdminViewSet(ViewSet):
    """Every workshop view under /admin/workshops/, one menu item shown to staff who may see registrations."""

    name = NAMESPACE
    url_prefix = "workshops"
    icon = "date"
    menu_label = "Workshop registrations"
    menu_order = 250
    add_to_admin_menu = True

    @property
    def menu_item_class(self):
        from wagtail.admin.menu import MenuItem

        class RegistrationsMenuItem(MenuItem):
            def is_shown(self, request):
                return may_view(request.user)

        return RegistrationsMenuItem

    def get_urlpatterns(self):
        from django.urls import path

        def listing(route, name, view):
            return [
                path(route, view.as_view(), name=name),
                path(f"{route}results/", view.as_view(results_only=True), name=f"{name}_results"),
            ]

        return [
            *listing("", "overview", OverviewView),
            *listing("registrations/", "registrations", RegistrationIndexView),
            *listing("invoices/", "invoices", InvoiceListView),
            *listing("<int:event_id>/", "event", EventRegistrationsView),
            *listing("<int:event_id>/attendees/", "attendees", AttendeesView),
            path("<int:event_id>/check-in/", bulk_check_in, name="bulk_check_in"),
            path("<int:event_id>/sign-in-sheet/", sign_in_sheet, name="sign_in_sheet"),
            path("<int:event_id>/cancel/", EventCancelView.as_view(), name="event_cancel"),
            path("registrations/<int:pk>/invoice-paid/", InvoicePaidView.as_view(), name="invoice_paid"),
            path("registrations/<int:pk>/cancel/", RegistrationCancelView.as_view(), name="registration_cancel"),
        ]
