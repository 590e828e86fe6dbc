"""Staff pages of the enterprise registry."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from boards.enterprises.selectors import access_staff_enterprise_profile


@login_required
def enterprise_profile(request, board, pk):
    context = access_staff_enterprise_profile(request.user, request.board, pk)
    return render(request, "boards/enterprise_profile.html", context)
