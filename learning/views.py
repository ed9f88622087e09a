"""Thin views of the composer: My learning, the PD transcript, the district dashboard, the data export.

Their URLs keep the `members:` names (aln_site/urls.py mounts learning/urls.py in that namespace).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.reports import csv_response
from core.timezones import zone_named
from members import services as member_services
from members import views as member_views
from members.access import can_manage_invitations, can_view_district_teacher
from members.forms import InviteForm

from . import selectors
from .pdf import transcript_pdf as transcript_pdf_bytes


# --- my learning ---
@login_required
def dashboard(request):
    return render(request, "learning/dashboard.html", selectors.dashboard(user=request.user))


@login_required
def transcript(request):
    return render(request, "learning/transcript.html", {"transcript": selectors.transcript(user=request.user)})


@login_required
def transcript_pdf(request):
    data = selectors.transcript(user=request.user)
    lines = [
        {"kind": line.kind, "title": line.title, "on": line.on.isoformat(), "pd_hours": str(line.pd_hours)}
        for line in data.lines
    ]
    record = member_services.transcript_record_for(
        user=request.user, holder_name=str(request.user), lines=lines, total_hours=data.total_hours
    )
    verify_url = request.build_absolute_uri(reverse("members:transcript_verify", args=[record.code]))
    response = HttpResponse(
        transcript_pdf_bytes(transcript=data, record=record, verify_url=verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="pd-transcript-{record.code}.pdf"'
    return response


# --- data export ---
@login_required
def account_data_download(request):
    data = selectors.account_data(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


# --- districts ---
@login_required
def district_dashboard(request, org_id):
    organization = member_views.organization_for_leader(request, org_id)
    form = InviteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        invited = [
            member_services.invitation_create(organization=organization, email=address, invited_by=request.user)
            for address in form.cleaned_data["emails"]
        ]
        if invited:
            messages.success(request, f"Sent {len(invited)} invitation{'s' if len(invited) != 1 else ''}.")
        if form.cleaned_data.get("csv_rows"):
            # A file is invited by a background task; its page shows the progress.
            job = member_services.invitation_import_create(
                organization=organization, uploaded_by=request.user, rows=form.cleaned_data["csv_rows"]
            )
            return redirect("members:district_invitation_import", org_id=organization.pk, job_id=job.pk)
        return redirect("members:district_dashboard", org_id=organization.pk)
    context = selectors.organization_report(organization=organization)
    context["form"] = form
    context["may_manage_invitations"] = bool(can_manage_invitations(request.user, organization))
    return render(request, "learning/district_dashboard.html", context)


@login_required
def district_export(request, org_id):
    organization = member_views.organization_for_leader(request, org_id)
    filename = f"district-{organization.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    rows = selectors.organization_export_rows(organization=organization, zone=zone_named(request.user.time_zone))
    return csv_response(filename, rows)


@login_required
def district_teacher(request, org_id, user_id):
    """One teacher's learning for her district's leaders; 404 for anyone else (another district learns nothing)."""
    member = selectors.organization_member(organization_id=org_id, user_id=user_id)
    if member is None or not can_view_district_teacher(request.user, member):
        raise Http404
    context = {
        "organization": member.organization,
        "member": member,
        "report": selectors.teacher_report(member=member),
        "zone": zone_named(request.user.time_zone),
    }
    return render(request, "learning/district_teacher.html", context)
