"""
The rules every admin class of the plugin follows (ADR 0015, issue 10).

* **Academy staff only.**  Each page asks ``services.roles.is_academy_staff``: the
  ``cadre_policy.manage_academy`` permission (or a superuser), never ``is_staff`` alone.
  A unit administrator has no ``is_staff`` and never reaches the admin (their tasks are
  in the console at ``/cadre/manage/``); Open edX staff without the permission get 403
  on every page of this app.
* **No personal-data lookups.**  ``lookup_allowed`` accepts only the filters the page
  offers (``list_filter``, ``date_hierarchy``) and never a path through a personal
  field, so ``?id_number__startswith=`` (a prefix oracle: a full ID number in 80
  requests) or ``?user__username__startswith=`` is refused with 400.  Searches match a
  user name exactly (``=user__username``), never a part of one.
* **People shown safely.**  ``person`` shows a real name and a user name with any ID
  number in it masked (Inner Mongolia registers accounts by ID number).
* **Nothing deleted.**  Files are kept; leaving is a status, revocation is an entry.
"""
import django
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from cadre_policy_plugin import identity
from cadre_policy_plugin.conf import id_hash_key
from cadre_policy_plugin.services import roles

#: Field names no admin lookup may pass through (on any model along the path).
PERSONAL_FIELDS = frozenset({
    "id_number", "id_number_hash", "mobile", "username", "email", "first_name", "last_name", "password",
    "real_name", "original_name", "detail",
})


class IdNumberHashFilter(admin.SimpleListFilter):
    """
    ``?id_hash=<keyed hash>``: the learner whose ID number hashes so (ADR 0011).  The
    search box sends a typed whole ID number here (``AcademyAdminMixin.changelist_view``),
    so the number itself is never echoed in the page, its links or the server's log.
    """

    title = _("ID number")
    parameter_name = "id_hash"

    def lookups(self, request, model_admin):
        return [(self.value(), _("the ID number searched for"))] if self.value() else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(**{self.model_admin_path: self.value()})


def filter_fields(model_admin):
    """The first field names of the lookups a page's own filters produce."""
    names = {IdNumberHashFilter.parameter_name} if model_admin.id_hash_path else set()
    for item in model_admin.list_filter:
        if isinstance(item, str):
            names.add(item.split(LOOKUP_SEP)[0])
        elif isinstance(item, tuple | list):
            names.add(item[0].split(LOOKUP_SEP)[0])
        else:  # a SimpleListFilter: its own parameter
            names.add(getattr(item, "parameter_name", ""))
    if model_admin.date_hierarchy:
        names.add(model_admin.date_hierarchy.split(LOOKUP_SEP)[0])
    return names


def lookup_is_safe(model_admin, lookup):
    parts = lookup.split(LOOKUP_SEP)
    if any(part in PERSONAL_FIELDS for part in parts):
        return False
    return parts[0] in filter_fields(model_admin)


def person(user):
    """A person for administrators: real name and masked user name (see ``roles.display_name``)."""
    return roles.display_name(user)


class AcademyAdminMixin:
    """Academy staff only, safe lookups, nothing deleted (see the module doc)."""

    allow_add = True
    allow_change = True
    #: The path to the learner's ``id_number_hash`` (e.g. ``"user__cadre_profile__id_number_hash"``):
    #: a whole ID number typed in the search box finds the learner through its keyed hash.
    id_hash_path = None

    def _is_academy(self, request):
        return roles.is_academy_staff(request.user)

    def get_list_filter(self, request):
        filters = tuple(super().get_list_filter(request))
        if not self.id_hash_path:
            return filters
        path = self.id_hash_path
        return (*filters, type("IdNumberHashFilter", (IdNumberHashFilter,), {"model_admin_path": path}))

    def changelist_view(self, request, extra_context=None):
        """A search term holding an ID number never reaches the page: hashed, or dropped."""
        term = request.GET.get(SEARCH_VAR, "")
        if self._is_academy(request) and identity.mask_id_numbers_in(term) != term:
            params = request.GET.copy()
            del params[SEARCH_VAR]
            try:
                number = identity.check_id_number(term)
            except identity.IdNumberError:
                number = None
            if number is not None and self.id_hash_path:
                params[IdNumberHashFilter.parameter_name] = identity.hash_id_number(number, id_hash_key())
            else:
                self.message_user(request, _("Search by a whole, valid ID number, or by a name."), messages.WARNING)
            return HttpResponseRedirect(f"{request.path}?{params.urlencode()}")
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if self._is_academy(request) else qs.none()

    def has_module_permission(self, request):
        return self._is_academy(request)

    def has_view_permission(self, request, obj=None):
        return self._is_academy(request)

    def has_change_permission(self, request, obj=None):
        return self.allow_change and self._is_academy(request)

    def has_add_permission(self, request):
        return self.allow_add and self._is_academy(request)

    def has_delete_permission(self, request, obj=None):
        return False  # files are kept; leaving is a status, revocation is an entry

    def history_view(self, request, object_id, extra_context=None):
        if not self._is_academy(request):
            raise PermissionDenied  # before the lookup: a 403, never "this object does not exist"
        return super().history_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def lookup_allowed(self, lookup, value, request=None):
        """
        Only this page's own filters, never through a personal field (module doc).

        Django 5.0 added ``request`` to ``lookup_allowed``; Django 4.2 (Open edX Teak)
        calls and defines it with ``(lookup, value)`` only (``tox -e openedx-teak``).
        """
        if not lookup_is_safe(self, lookup):
            return False
        if django.VERSION < (5, 0):
            return super().lookup_allowed(lookup, value)
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        """Any user-name search is exact; a part of a user name (an ID number) is never searched."""
        return tuple(f"={name}" if name.split(LOOKUP_SEP)[-1] == "username" and not name.startswith("=") else name
                     for name in super().get_search_fields(request))


class PersonColumnsMixin:
    """``user_label`` / ``actor_label`` / ``learner_label`` columns that never show an ID number."""

    @admin.display(description=_("learner"), ordering="user")
    def user_label(self, obj):
        return person(obj.user)

    @admin.display(description=_("who"), ordering="actor")
    def actor_label(self, obj):
        return person(obj.actor) if obj.actor_id else "-"

    @admin.display(description=_("learner"), ordering="learner")
    def learner_label(self, obj):
        return person(obj.learner) if obj.learner_id else "-"

    @admin.display(description=_("entered by"), ordering="entered_by")
    def entered_by_label(self, obj):
        return person(obj.entered_by) if obj.entered_by_id else "-"

    @admin.display(description=_("why"))
    def reason_masked(self, obj):
        """A reason as typed, with any ID number in it masked."""
        return identity.mask_id_numbers_in(obj.reason)

    @admin.display(description=_("uploaded by"), ordering="uploaded_by")
    def uploaded_by_label(self, obj):
        return person(obj.uploaded_by) if obj.uploaded_by_id else "-"


class AccountField(forms.CharField):
    """
    An account typed by its exact user name and resolved inside ``queryset`` (the
    accounts this page may act on).  Replaces the drop-down of every account on the
    platform: nothing is listed, a name outside the queryset is simply not found.
    """

    default_error_messages = {"no_account": _("No account this page may act on has this user name.")}

    def __init__(self, *, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)
        self.queryset = queryset

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        account = roles.find_account(self.queryset, value) if self.queryset is not None else None
        if account is None:
            raise forms.ValidationError(self.error_messages["no_account"], code="no_account")
        return account
