"""Staff manage districts, licenses, plans, memberships, orders and Stripe events in the Wagtail admin."""

from django.contrib.auth.models import Permission
from django.db.models import Q
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.fields import CentsAsDollarsField

from .access import staff_permission_codenames
from .models import Invitation, Membership, MembershipPlan, Order, Organization, SeatLicense, StripeEvent


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records Stripe owns: staff may look, never edit (the webhook keeps them true)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete", "publish", "lock", "unlock"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions, **kwargs):
        actions = [a for a in actions if a not in ("add", "change", "delete")]
        return super().users_with_any_permission(actions, **kwargs) if actions else self.model._default_manager.none()


register_permission_policy(Order, ReadOnlyPermissionPolicy(Order))
register_permission_policy(StripeEvent, ReadOnlyPermissionPolicy(StripeEvent))


class OrganizationViewSet(SnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = "Districts"
    list_display = ["name", "auto_join_by_domain", "created"]
    search_fields = ["name", "billing_contact"]
    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("email_domains"), FieldPanel("auto_join_by_domain")], heading="Joining by e-mail domain"
        ),
        FieldPanel("billing_contact"),
        FieldPanel("student_work_retention_days"),
    ]


class SeatLicenseViewSet(SnippetViewSet):
    model = SeatLicense
    icon = "tick-inverse"
    menu_label = "Seat licenses"
    list_display = ["organization", "seats", "seats_used", "starts", "ends", "invoice_reference"]
    list_filter = ["organization"]
    panels = [
        FieldPanel("organization"),
        FieldPanel("seats"),
        FieldRowPanel([FieldPanel("starts"), FieldPanel("ends")], heading="Period"),
        FieldPanel("invoice_reference"),
    ]


class InvitationViewSet(SnippetViewSet):
    model = Invitation
    icon = "mail"
    menu_label = "Invitations"
    list_display = ["email", "organization", "created", "accepted_at", "revoked_at"]
    list_filter = ["organization"]
    search_fields = ["email"]
    panels = [FieldPanel("organization"), FieldPanel("email")]


class MembershipPlanForm(WagtailAdminModelForm):
    """Staff type the plan's price in dollars; it is stored in cents, as Stripe counts it."""

    amount_cents = CentsAsDollarsField(label="Price (USD)", help_text="Per interval, in dollars, e.g. 99.00.")


class MembershipPlanViewSet(SnippetViewSet):
    model = MembershipPlan
    icon = "pick"
    menu_label = "Membership plans"
    list_display = [
        "name",
        "interval",
        Column("amount_cents", label="Price (USD)", accessor=lambda plan: f"{plan.amount_cents / 100:,.2f}"),
        "stripe_price_id",
        "is_active",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldPanel("stripe_price_id"), FieldPanel("interval"), FieldPanel("amount_cents")],
                heading="Billing (must match the Price in Stripe)",
            ),
            MultiFieldPanel([FieldPanel("is_active"), FieldPanel("sort_order")], heading="Join page"),
        ],
        base_form_class=MembershipPlanForm,
    )


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = "Memberships"
    list_display = ["user", "plan", "status", "current_period_end", "cancel_at_period_end"]
    list_filter = ["status", "plan", "cancel_at_period_end"]
    search_fields = ["user__email", "stripe_customer_id", "stripe_subscription_id"]
    inspect_view_enabled = True
    panels = [
        FieldPanel("user"),
        FieldPanel("plan"),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("current_period_end"),
                FieldPanel("cancel_at_period_end"),
                FieldPanel("past_due_since"),
            ],
            heading="Status (Stripe webhooks overwrite these for Stripe subscriptions)",
        ),
        MultiFieldPanel([FieldPanel("stripe_customer_id"), FieldPanel("stripe_subscription_id")], heading="Stripe"),
    ]


class OrderViewSet(SnippetViewSet):
    model = Order
    icon = "doc-full"
    menu_label = "Orders"
    list_display = ["reference", "user", "description", "quantity", "amount_cents", "status", "created"]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "user__email", "description", "stripe_payment_intent_id"]
    inspect_view_enabled = True


class StripeEventViewSet(SnippetViewSet):
    model = StripeEvent
    icon = "warning"
    menu_label = "Stripe events"
    list_display = ["type", "event_id", "received_at", "processed_at", "error"]
    list_filter = ["type"]
    search_fields = ["event_id", "type"]
    inspect_view_enabled = True


class MembersGroup(SnippetViewSetGroup):
    menu_label = "Members & billing"
    menu_icon = "group"
    menu_order = 250
    items = (
        OrganizationViewSet,
        SeatLicenseViewSet,
        InvitationViewSet,
        MembershipPlanViewSet,
        MembershipViewSet,
        OrderViewSet,
        StripeEventViewSet,
    )


register_snippet(MembersGroup)


@hooks.register("register_permissions")
def staff_action_permissions():
    """Every named staff action (members.access.StaffAction) appears in the admin's group editor."""
    query = Q(pk__in=[])
    for app_label, codename in staff_permission_codenames():
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)
