from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("account/data/", views.account_data, name="account_data"),
    path("account/email-preferences/", views.email_preferences, name="email_preferences"),
    path("email-preferences/<str:email_token>/", views.email_preferences_link, name="email_preferences_link"),
    path("email-preferences/<str:email_token>/unsubscribe/", views.email_unsubscribe, name="email_unsubscribe"),
    path("membership/", views.join, name="join"),
    path("membership/cancel/", views.membership_cancel, name="membership_cancel"),
    path("billing/portal/", views.billing_portal, name="billing_portal"),
    path("billing/success/", views.billing_success, name="billing_success"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("transcripts/verify/<str:code>/", views.transcript_verify, name="transcript_verify"),
    path("district/<id:org_id>/settings/", views.district_settings, name="district_settings"),
    path(
        "district/<id:org_id>/invitations/<id:job_id>/",
        views.district_invitation_import,
        name="district_invitation_import",
    ),
    path(
        "district/<id:org_id>/members/<id:member_id>/remove/",
        views.district_member_remove,
        name="district_member_remove",
    ),
    path(
        "district/<id:org_id>/pending-invitations/<id:invitation_id>/resend/",
        views.district_invitation_resend,
        name="district_invitation_resend",
    ),
    path(
        "district/<id:org_id>/pending-invitations/<id:invitation_id>/revoke/",
        views.district_invitation_revoke,
        name="district_invitation_revoke",
    ),
    path(
        "district/<id:org_id>/members/<id:member_id>/coach/",
        views.district_member_coach,
        name="district_member_coach",
    ),
    path("district/join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
