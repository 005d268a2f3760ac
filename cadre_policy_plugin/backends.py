"""
The authentication backend for real-name sign-in: ID number or mobile number + password.

Installed first in ``AUTHENTICATION_BACKENDS`` by ``plugin_settings`` (switch:
``CADRE_POLICY["SIGN_IN_BY_ID_NUMBER"]``), beside ``ModelBackend`` and Open edX's own
backends, which keep handling user names and e-mail addresses.  Anything typed that is
not shaped like an ID number or a mobile number is left to them (``None``).  What *is*
shaped like one belongs to this backend alone: after a refusal it raises
``PermissionDenied``, which stops ``django.contrib.auth.authenticate()`` (so no other
backend looks the number up as a plain user name, and a throttled identifier cannot be
retried through them).  Django then returns ``None`` and sends ``user_login_failed``, as
for any failed sign-in; ``request.cadre_sign_in_refusal`` says why (see
``services/signin.py``).

Open edX's login view (and the MFE's login API) looks the account up by e-mail or user
name *before* ``authenticate()``; ``LoginIdentifierMiddleware`` puts the account's user
name in place of the number there, and this backend serves every other caller of
``authenticate()`` (the sandbox, Django's admin, DRF basic auth).
"""
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from cadre_policy_plugin.services import signin


class IdNumberOrMobileBackend(ModelBackend):
    """``authenticate(request, username=<ID number or mobile>, password=...)`` (see module doc)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        handled, user = signin.authenticate_identifier(request, username, password)
        if not handled:
            return None
        if user is None or not self.user_can_authenticate(user):
            raise PermissionDenied("real-name sign-in refused")
        return user
