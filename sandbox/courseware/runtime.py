"""
A real XBlock runtime bound to Django users: the LMS's ``LmsModuleSystem`` in small.

Why not xblock-sdk's ``WorkbenchRuntime``?  Its ids are scenario strings held in a
process-global id manager, its user is a query-string number rather than the signed-in
Django user, and it patches blocks with Mock courses (docs/decisions/0041).  Here:

* usage ids are real ``block-v1:`` :class:`~opaque_keys.edx.keys.UsageKey` objects, so a
  block reaches its course as ``self.scope_ids.usage_id.course_key`` (or
  ``self.location.course_key`` / ``self.course_id``, as in the LMS);
* the student id in ``ScopeIds`` is the Django user's id, and the ``user`` service
  carries the ``edx-platform.*`` attributes blocks read in the LMS;
* field values live in :class:`~sandbox.courseware.models.XBlockFieldValue` rows through
  a :class:`~xblock.runtime.KvsFieldData` store;
* handler URLs route to :func:`sandbox.courseware.views.xblock_handler`, which runs the
  handler for ``request.user`` only;
* ``publish`` turns ``completion`` and ``grade`` events into the LMS's consequences
  (:mod:`sandbox.courseware.lms`): course passing, certificate filter, certificate event.
"""
import logging
import uuid

import django.utils.translation
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from xblock.core import XBlock
from xblock.exceptions import NoSuchDefinition, NoSuchUsage
from xblock.fields import ScopeIds, UserScope
from xblock.reference.plugins import Service
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import IdGenerator, IdReader, KeyValueStore, KvsFieldData, NullI18nService, Runtime

from sandbox.courseware.models import CourseBlock, XBlockFieldValue

log = logging.getLogger(__name__)

# The attribute names edx-platform puts on XBlockUser.opt_attrs
# (common/djangoapps/xblock_django/constants.py).
ATTR_KEY_IS_AUTHENTICATED = "edx-platform.is_authenticated"
ATTR_KEY_USER_ID = "edx-platform.user_id"
ATTR_KEY_USERNAME = "edx-platform.username"
ATTR_KEY_USER_IS_STAFF = "edx-platform.user_is_staff"
ATTR_KEY_USER_ROLE = "edx-platform.user_role"
ATTR_KEY_ANONYMOUS_USER_ID = "edx-platform.anonymous_user_id"

#: Block types the sandbox itself provides (not published as ``xblock.v1`` entry points,
#: so they never leak into a real LMS).
HOST_BLOCK_TYPES = {
    "sandbox_quiz": "sandbox.courseware.quiz:SandboxQuizBlock",
}


def _scope_key(scope):
    """A stable name for a field scope (custom scopes have generated names too)."""
    return f"{scope.user.attr_name}:{scope.block.attr_name}"


class DjangoKeyValueStore(KeyValueStore):
    """
    Field values in :class:`XBlockFieldValue` rows, one row per field.

    Rows are read once per (block scope id) and cached for the life of the runtime (one
    request), so a handler that reads a dozen fields costs one query, and a write is
    one upsert.
    """

    def __init__(self):
        self._cache = {}
        self._loaded = set()

    @staticmethod
    def _address(key):
        scope_id = "" if key.block_scope_id is None else str(key.block_scope_id)
        user_id = key.user_id if key.scope.user == UserScope.ONE and key.user_id is not None else 0
        return (_scope_key(key.scope), scope_id, int(user_id), key.field_name)

    def _load(self, scope_id, user_id):
        if (scope_id, user_id) in self._loaded:
            return
        rows = XBlockFieldValue.objects.filter(scope_id=scope_id, user_id__in={0, user_id})
        for row in rows:
            self._cache[(row.scope, row.scope_id, row.user_id, row.field_name)] = row.value
        self._loaded.add((scope_id, user_id))

    def get(self, key):
        address = self._address(key)
        self._load(address[1], address[2])
        if address not in self._cache:
            raise KeyError(key)
        return self._cache[address]

    def set(self, key, value):
        address = self._address(key)
        scope, scope_id, user_id, field_name = address
        XBlockFieldValue.objects.update_or_create(
            scope=scope, scope_id=scope_id, user_id=user_id, field_name=field_name, defaults={"value": value}
        )
        self._cache[address] = value

    def delete(self, key):
        address = self._address(key)
        scope, scope_id, user_id, field_name = address
        XBlockFieldValue.objects.filter(
            scope=scope, scope_id=scope_id, user_id=user_id, field_name=field_name
        ).delete()
        self._cache.pop(address, None)

    def has(self, key):
        address = self._address(key)
        self._load(address[1], address[2])
        return address in self._cache


class CourseIdManager(IdReader, IdGenerator):
    """
    Ids are opaque keys: a usage is a ``block-v1:`` key and is its own definition.

    New definitions (authoring, demo data) are minted inside ``course_key``.
    """

    def __init__(self, course_key=None):
        self.course_key = course_key

    @staticmethod
    def _as_usage_key(value):
        if isinstance(value, UsageKey):
            return value
        try:
            return UsageKey.from_string(str(value))
        except InvalidKeyError as exc:
            raise NoSuchUsage(repr(value)) from exc

    def get_definition_id(self, usage_id):
        return self._as_usage_key(usage_id)

    def get_block_type(self, def_id):
        try:
            return self._as_usage_key(def_id).block_type
        except NoSuchUsage as exc:
            raise NoSuchDefinition(repr(def_id)) from exc

    def create_definition(self, block_type, slug=None):
        if self.course_key is None:
            raise ValueError("CourseIdManager needs a course_key to create definitions")
        return self.course_key.make_usage_key(block_type, slug or uuid.uuid4().hex[:12])

    def create_usage(self, def_id):
        return def_id

    # Asides are not used by the sandbox's blocks.
    def get_usage_id_from_aside(self, aside_id):
        raise NoSuchUsage(repr(aside_id))

    def get_definition_id_from_aside(self, aside_id):
        raise NoSuchDefinition(repr(aside_id))

    def get_aside_type_from_usage(self, aside_id):
        raise NoSuchUsage(repr(aside_id))

    def get_aside_type_from_definition(self, aside_id):
        raise NoSuchDefinition(repr(aside_id))

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError("the sandbox runtime has no asides")


class LmsCompatMixin:
    """
    The few attributes every LMS block has through ``XModuleMixin``.

    Mixed into every block by the runtime, so blocks written for the LMS find
    ``location`` and ``course_id`` here too.
    """

    @property
    def location(self):
        return self.scope_ids.usage_id

    @property
    def course_id(self):
        return self.scope_ids.usage_id.course_key


class DjangoUserService(UserService):
    """The ``user`` service, describing the signed-in Django user the LMS way."""

    def __init__(self, django_user, **kwargs):
        super().__init__(**kwargs)
        self._django_user = django_user

    def get_current_user(self):
        user = self._django_user
        authenticated = bool(user and user.is_authenticated)
        xb_user = XBlockUser(
            is_current_user=True,
            emails=[user.email] if authenticated and user.email else [],
            full_name=(user.get_full_name() or user.get_username()) if authenticated else None,
        )
        xb_user.opt_attrs.update(
            {
                ATTR_KEY_IS_AUTHENTICATED: authenticated,
                ATTR_KEY_USER_ID: user.id if authenticated else None,
                ATTR_KEY_USERNAME: user.get_username() if authenticated else None,
                ATTR_KEY_USER_IS_STAFF: bool(authenticated and user.is_staff),
                ATTR_KEY_USER_ROLE: "staff" if authenticated and user.is_staff else "student",
                ATTR_KEY_ANONYMOUS_USER_ID: f"sandbox-{user.id}" if authenticated else None,
            }
        )
        return xb_user

    def get_user_by_anonymous_id(self, uid=None):
        """The Django user (the LMS returns the real user object here too)."""
        return self._django_user


class DjangoI18nService(NullI18nService):
    """Django's translation functions, as the LMS's i18n service exposes them."""

    def __getattr__(self, name):
        return getattr(django.utils.translation, name)


class SettingsService(Service):
    """``settings`` service: a block's bucket of ``settings.XBLOCK_SETTINGS`` (LMS behaviour)."""

    def get_settings_bucket(self, block, default=None):
        bucket = getattr(block, "block_settings_key", block.unmixed_class.__name__)
        return getattr(settings, "XBLOCK_SETTINGS", {}).get(bucket, {} if default is None else default)


class SandboxRuntime(Runtime):
    """One runtime per request and user, like the LMS's per-request module system."""

    def __init__(self, user, course_key=None, request=None):
        self.user = user
        self.request = request
        ids = CourseIdManager(course_key)
        services = {
            "field-data": KvsFieldData(DjangoKeyValueStore()),
            "user": DjangoUserService(user),
            "i18n": DjangoI18nService(),
            "settings": SettingsService(),
        }
        super().__init__(ids, ids, services=services, mixins=(LmsCompatMixin,))

    @property
    def student_id(self):
        return self.user.id if self.user is not None and self.user.is_authenticated else None

    # ----------------------------------------------------------------- blocks
    def load_block_type(self, block_type):
        if block_type in HOST_BLOCK_TYPES:
            module_path, _, name = HOST_BLOCK_TYPES[block_type].partition(":")
            module = __import__(module_path, fromlist=[name])
            return getattr(module, name)
        return XBlock.load_class(block_type, self.default_class, self.select)

    def get_block(self, usage_id, for_parent=None):
        """A block of the course for this runtime's user (only blocks the course holds)."""
        usage_key = self.id_reader.get_definition_id(usage_id)
        if not CourseBlock.objects.filter(usage_key=str(usage_key)).exists():
            raise NoSuchUsage(repr(usage_id))
        keys = ScopeIds(self.student_id, usage_key.block_type, usage_key, usage_key)
        return self.construct_xblock(usage_key.block_type, keys, for_parent=for_parent)

    def new_block(self, usage_key, **fields):
        """A block instance with no user, for authoring content and settings fields."""
        keys = ScopeIds(None, usage_key.block_type, usage_key, usage_key)
        block = self.construct_xblock(usage_key.block_type, keys)
        for name, value in fields.items():
            setattr(block, name, value)
        return block

    # ----------------------------------------------------------------- urls
    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        func = getattr(block, handler_name, None)
        if not func or not getattr(func, "_is_xblock_handler", False):
            raise ValueError(f"{handler_name!r} is not a handler of {block.scope_ids.block_type}")
        usage_key = block.scope_ids.usage_id
        kwargs = {"course_id": str(usage_key.course_key), "usage_id": str(usage_key), "handler": handler_name}
        if suffix:
            url = reverse("sandbox_courseware:xblock_handler", kwargs={**kwargs, "suffix": suffix})
        else:
            url = reverse("sandbox_courseware:xblock_handler_nosuffix", kwargs=kwargs)
        if query:
            url += "?" + query
        if thirdparty and self.request is not None:
            url = self.request.build_absolute_uri(url)
        return url

    def resource_url(self, resource):
        return static(resource)

    def local_resource_url(self, block, uri):
        return reverse(
            "sandbox_courseware:xblock_resource",
            kwargs={"block_type": block.scope_ids.block_type, "uri": uri},
        )

    # ----------------------------------------------------------------- rendering
    def wrap_xblock(self, block, view, frag, context):
        """Add what the sandbox's JS runtime needs to the wrapper's data attributes."""
        extra = {"name": block.name} if block.name else {}
        extra["handler-prefix"] = self._handler_prefix(block)
        extra["course-id"] = str(block.scope_ids.usage_id.course_key)
        return self._wrap_ele(block, view, frag, extra)

    def _handler_prefix(self, block):
        usage_key = block.scope_ids.usage_id
        return reverse(
            "sandbox_courseware:xblock_handler_prefix",
            kwargs={"course_id": str(usage_key.course_key), "usage_id": str(usage_key)},
        )

    # ----------------------------------------------------------------- events
    def handle(self, block, handler_name, request, suffix=""):
        """
        Run a handler; the LMS consequences of what it published run after it returns.

        In the LMS a block's ``completion``/``grade`` event reaches course grading and
        certificate generation through Celery tasks, i.e. after the handler finished.
        Running them inside ``publish`` would ask the certificate filter before the block
        has finished its own work (e.g. reporting its verified time to the plugin), so
        events are queued during the handler and applied when it returns successfully.
        """
        self._deferred_events = []
        try:
            result = super().handle(block, handler_name, request, suffix)
            events = self._deferred_events
        finally:
            self._deferred_events = None
        for args in events:
            self._apply_event(*args)
        return result

    def publish(self, block, event_type, event_data):
        """Queue the event during a handler, else apply it at once."""
        if getattr(self, "_deferred_events", None) is not None:
            self._deferred_events.append((block.scope_ids.usage_id, event_type, dict(event_data or {})))
        else:
            self._apply_event(block.scope_ids.usage_id, event_type, dict(event_data or {}))

    def _apply_event(self, usage_key, event_type, event_data):
        """The LMS consequences of ``completion`` and ``grade``; everything else is logged."""
        from sandbox.courseware import lms  # avoids an import cycle at module load

        if self.student_id is None:
            return
        if event_type == "completion":
            lms.record_block_progress(self.user, usage_key, completion=event_data.get("completion"))
        elif event_type == "grade":
            lms.record_block_progress(
                self.user, usage_key, grade=(event_data.get("value"), event_data.get("max_value"))
            )
        else:
            log.info("XBlock event %s from %s for user %s", event_type, usage_key, self.student_id)
