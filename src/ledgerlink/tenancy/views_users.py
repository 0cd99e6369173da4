"""Extra → Users: company admins manage the users of their company; operators see every user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ledgerlink.tenancy import actions, current
from ledgerlink.tenancy.forms import UserCreateForm, UserEditForm
from ledgerlink.tenancy.models import User
from ledgerlink.web.access import admin_or_operator_required, company_admin_required, is_operator


def _users_of(request: HttpRequest) -> QuerySet[User]:
    if is_operator(request):
        return User.objects.select_related("company")
    return User.objects.for_company(current.required_company(request)).select_related("company")


@admin_or_operator_required
def user_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tenancy/user_list.html", {"users": _users_of(request)[:1000], "can_edit": not is_operator(request)}
    )


@company_admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                current.actor(request),
                current.required_company(request),
                data["username"],
                data["password"],
                role=data["role"],
                full_name=data["full_name"],
                email=data["email"],
                language=data["language"],
            )
        except actions.TenancyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("user-list")
    return render(request, "tenancy/user_form.html", {"form": form, "title": _("New user")})


@company_admin_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    target = User.objects.for_company(current.required_company(request)).filter(pk=user_id).first()
    if target is None:
        raise Http404
    form = UserEditForm(
        request.POST or None,
        initial={
            "full_name": target.full_name,
            "email": target.email,
            "role": target.role,
            "is_active": target.is_active,
            "language": target.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:  # all of it or nothing: a refused password keeps the other changes out
            target = actions.update_user(
                current.actor(request),
                target,
                role=data["role"],
                is_active=data["is_active"],
                full_name=data["full_name"],
                email=data["email"],
                new_password=data["new_password"] or None,
                language=data["language"] if "language" in request.POST else None,
            )
        except actions.TenancyError as exc:
            form.add_error(None, str(exc))
        else:
            if data["new_password"] and target.pk == request.user.pk:
                update_session_auth_hash(request, target)  # an admin's own new password keeps them signed in
            messages.success(request, _("User %(name)s saved.") % {"name": target.username})
            return redirect("user-list")
    return render(
        request,
        "tenancy/user_form.html",
        {"form": form, "title": _("User %(name)s") % {"name": target.username}, "target": target},
    )
