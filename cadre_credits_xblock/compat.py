"""
Everything the block needs from its runtime (LMS, Studio, or a test runtime).

Kept in one module, as xblock-lti-consumer does with its ``compat.py``, so that the
block works in edx-platform and in the tests' plain XBlock runtime alike, and the
places that depend on edx-platform conventions are easy to find.
"""
import functools
import ipaddress
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from opaque_keys.edx.keys import CourseKey
from opaque_keys.edx.locator import LibraryLocator

# The key edx-platform's DjangoXBlockUserService puts the Django user id under.
USER_ID_ATTR = "edx-platform.user_id"
# The service edx-platform gives blocks in Studio only (cms ``load_services_for_studio``:
# component_handler, studio_view): its ``can_write(context_key)`` is
# ``has_studio_write_access``.  The LMS never provides it.
STUDIO_PERMISSIONS_SERVICE = "studio_user_permissions"


class LearnerRef(NamedTuple):
    """Just the learner's id: all a heartbeat needs, without loading the user row."""

    id: int


def current_user_id(block):
    """The Django user id the runtime is serving, or None (anonymous, preview)."""
    service = block.runtime.service(block, "user")
    xb_user = service.get_current_user() if service is not None else None
    return xb_user.opt_attrs.get(USER_ID_ATTR) if xb_user else None


def current_user_can_author(block):
    """
    Studio's answer to "may this user edit this course?", and only Studio's.

    edx-platform gives blocks the ``studio_user_permissions`` service in Studio alone;
    its ``can_write`` (``can_edit_content`` where openedx-authz replaced it) is
    ``has_studio_write_access`` for the block's course or library.  In the LMS there is
    no such service, so nobody authors there: the LMS's ``user_is_staff`` is true for
    every Open edX global staff member on every course and is never an authoring grant
    (issue 10: a unit administrator with ``is_staff`` rewrote a course from the LMS).
    """
    service = block.runtime.service(block, STUDIO_PERMISSIONS_SERVICE)
    if service is None:
        return False
    check = getattr(service, "can_write", None) or getattr(service, "can_edit_content", None)
    context = course_key_of(block)
    return bool(check is not None and context is not None and check(context))


def current_user(block):
    """The Django user the runtime is serving, or None (anonymous, preview)."""
    user_id = current_user_id(block)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def usage_key_of(block):
    """The block's usage key without a branch/version (Studio drafts carry one)."""
    return _bare_usage_key(block.scope_ids.usage_id)


def course_key_of(block):
    """The course (learning context) the block belongs to."""
    return _bare_context_key(block.scope_ids.usage_id)


# Opaque keys are immutable and hashable: each handler call asks for the same few keys
# several times, and every ``for_branch``/``for_version`` builds new key objects.
@functools.lru_cache(maxsize=4096)
def _bare_usage_key(key):
    if hasattr(key, "for_branch"):
        key = key.for_branch(None)
    if hasattr(key, "for_version"):
        key = key.for_version(None)
    return key


@functools.lru_cache(maxsize=4096)
def _bare_context_key(key):
    key = _bare_usage_key(key)
    context = getattr(key, "context_key", None) or getattr(key, "course_key", None)
    if context is not None and hasattr(context, "for_branch"):
        context = context.for_branch(None)
    if context is not None and hasattr(context, "for_version"):
        context = context.for_version(None)
    return context


def client_of(request):
    """
    The client's address and browser (``sessions.Client``) for a handler's webob request.

    The address is edx-django-utils' *safest* client IP, the one the LMS itself uses
    for rate limiting: behind the LMS's proxies it is the learner's address, read
    from the trusted ``X-Forwarded-For`` entries (``CLOSEST_CLIENT_IP_FROM_HEADERS``),
    not the proxy's.  Personal data: never log it.
    """
    from edx_django_utils.ip import get_safest_client_ip  # noqa: PLC0415 (edx-platform's own helper)

    from .sessions import Client  # noqa: PLC0415 (sessions imports this module's siblings)

    django_request = getattr(request, "_request", None)  # xblock.django.request.DjangoWebobRequest
    if django_request is None:  # another runtime's plain webob request
        django_request = HttpRequest()
        django_request.META = dict(request.environ)
    try:
        address = get_safest_client_ip(django_request)
        address = str(ipaddress.ip_address(address))
    except (KeyError, ValueError, TypeError):
        address = None
    return Client(address=address, user_agent=str(request.headers.get("User-Agent", ""))[:512])
def in_library(block):
    """
    The block lives in a content library, not a course: a v2 library (``lib:``, whose
    ``LibraryLocatorV2`` is a learning context but no ``CourseKey``) or a v1 library
    (``library-v1:``).  There is no course whose hours it could count for until an
    author uses it in a course (the course then holds a copy with a course usage key).
    """
    context = course_key_of(block)
    return context is not None and (isinstance(context, LibraryLocator) or not isinstance(context, CourseKey))
