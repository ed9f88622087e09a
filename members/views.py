from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import services
from .forms import ProfileForm
from .models import MembershipPlan


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("members:profile")
    return render(request, "members/profile.html", {"form": form})


def join(request):
    """Membership plans and how to get access; the members app adds Checkout here."""
    plans = MembershipPlan.objects.filter(is_active=True)
    return render(request, "members/join.html", {"plans": plans})


@login_required
def dashboard(request):
    """My learning: the members app fills this with courses, workshops and saved resources."""
    return render(request, "members/dashboard.html", {})
