"""
A real XBlock runtime for the block tests, shaped like the LMS where it matters.

It is ``xblock.runtime.Runtime`` (the library's own handler dispatch, field data and
services) with:

* block ids that are real opaque keys (``block-v1:...``), like the LMS's, so the block
  talks to the policy plugin with the same keys it would in production;
* a user service that exposes the Django user id under ``edx-platform.user_id``, as
  edx-platform's ``DjangoXBlockUserService`` does;
* one field store shared by all runtimes (Studio's author and every learner see the
  same block settings), and ``publish`` recorded so tests can assert completion.

Requests go through ``Runtime.handle`` with a real ``webob.Request``, exactly as the
LMS's handler view calls it.  ``StudioLikeRuntime`` adds what Studio adds on top
(cms ``load_services_for_studio``): the ``studio_user_permissions`` service whose
``can_write`` is Studio's course-team answer, stated by the test for the user.
"""
import json
from datetime import timedelta

import time_machine
from django.utils import timezone
from opaque_keys.edx.locator import BlockUsageLocator, CourseLocator, LibraryLocatorV2, LibraryUsageLocatorV2
from webob import Request
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import DictKeyValueStore, IdGenerator, IdReader, KvsFieldData, Runtime

COURSE = CourseLocator("cadre", "party-history", "2026")
FIELDS = DictKeyValueStore()


class CourseIds(IdReader, IdGenerator):
    """Usage ids are ``BlockUsageLocator``s inside one course; definitions are strings."""

    def __init__(self):
        self._types = {}

    def create_definition(self, block_type, slug=None):
        def_id = f"def-{block_type}-{slug or len(self._types)}"
        self._types[def_id] = block_type
        return def_id

    def create_usage(self, def_id):
        return BlockUsageLocator(COURSE, self._types[def_id], def_id.split("-", 2)[-1])

    def get_definition_id(self, usage_id):
        return f"def-{usage_id.block_type}-{usage_id.block_id}"

    def get_block_type(self, def_id):
        return self._types.get(def_id) or def_id.split("-")[1]

    def get_usage_id_from_aside(self, aside_id):
        raise NotImplementedError

    def get_definition_id_from_aside(self, aside_id):
        raise NotImplementedError

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError

    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError


IDS = CourseIds()


class DjangoUserService(UserService):
    """The current Django user, as edx-platform's user service describes it."""

    def __init__(self, user):
        xb_user = XBlockUser(is_current_user=True, emails=[getattr(user, "email", "")],
                             full_name=getattr(user, "username", ""))
        if user is not None:
            xb_user.opt_attrs["edx-platform.user_id"] = user.id
            xb_user.opt_attrs["edx-platform.username"] = user.username
            xb_user.opt_attrs["edx-platform.user_is_staff"] = user.is_staff
        super().__init__(user=xb_user)

    def get_current_user(self):
        return self._user


class LmsLikeRuntime(Runtime):
    """One request's runtime for one user (None: anonymous)."""

    def __init__(self, user=None):
        super().__init__(id_reader=IDS, id_generator=IDS, services={
            "field-data": KvsFieldData(FIELDS),
            "user": DjangoUserService(user),
        })
        self.user = user
        self.published = []

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/courses/{COURSE}/xblock/{block.scope_ids.usage_id}/handler/{handler_name}"

    def local_resource_url(self, block, uri):
        return f"/xblock/resource/{block.scope_ids.block_type}/{uri}"

    def resource_url(self, resource):
        return f"/static/{resource}"

    def publish(self, block, event_type, event_data):
        self.published.append((event_type, event_data))


class StudioPermissions:
    """
    Studio's ``studio_user_permissions`` service in small: ``can_write(context_key)`` is
    ``has_studio_write_access`` in edx-platform; here the test says who is on which
    course team (``writers``: pairs of user id and course key string).
    """

    def __init__(self, user, writers):
        self._user = user
        self._writers = frozenset(writers)

    def can_read(self, context_key):
        return self.can_write(context_key)

    def can_write(self, context_key):
        return self._user is not None and (self._user.id, str(context_key)) in self._writers


class StudioLikeRuntime(LmsLikeRuntime):
    """Studio's runtime for one user: the LMS's services plus ``studio_user_permissions``."""

    is_author_mode = True

    def __init__(self, user=None, writers=()):
        super().__init__(user)
        self._services["studio_user_permissions"] = StudioPermissions(user, writers)

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        return f"/xblock/{block.scope_ids.usage_id}/handler/{handler_name}"


def make_block(name, user=None, *, studio=False, course_staff=None, library=None, **settings):
    """
    The block ``name`` of the test course, seen by ``user``, with ``settings`` set; in
    Studio's runtime with ``studio=True``, where ``course_staff`` (default: yes) is
    Studio's answer whether ``user`` may edit the course (or library).  With
    ``library`` (a ``LibraryLocatorV2`` or v1 ``LibraryLocator``) the block of that
    content library instead, keyed as edx-platform keys library blocks.
    """
    def_id = IDS.create_definition("cadre_credits", name)
    if library is None:
        usage_id = IDS.create_usage(def_id)
    elif isinstance(library, LibraryLocatorV2):
        usage_id = LibraryUsageLocatorV2(library, "cadre_credits", name)
    else:
        usage_id = library.make_usage_key("cadre_credits", name)
    context = library if library is not None else COURSE
    if studio:
        writers = [(user.id, str(context))] if user is not None and course_staff in (None, True) else []
        runtime = StudioLikeRuntime(user, writers)
    else:
        runtime = LmsLikeRuntime(user)
    block = runtime.construct_xblock("cadre_credits", ScopeIds(getattr(user, "id", None), "cadre_credits",
                                                                def_id, usage_id))
    for field_name, value in settings.items():
        setattr(block, field_name, value)
    if settings:
        block.save()
    return block


def call(block, handler, data, *, remote_addr="192.0.2.10", user_agent="Mozilla/5.0 (test)", raw=None):
    """
    POST ``data`` as JSON (or the bytes ``raw``) to a handler through the runtime, from
    ``remote_addr`` with ``user_agent``; (status, json body).
    """
    body = raw if raw is not None else json.dumps(data).encode("utf-8")
    request = Request.blank("/", method="POST", body=body, content_type="application/json",
                            environ={"REMOTE_ADDR": remote_addr}, headers={"User-Agent": user_agent})
    response = block.runtime.handle(block, handler, request)
    return response.status_code, response.json_body


def get(block, handler, query=""):
    """GET a (non-JSON) handler through the runtime; the webob response."""
    request = Request.blank(f"/?{query}", method="GET")
    return block.runtime.handle(block, handler, request)


class ServerClock:
    """
    The server clock of the block tests: time-machine, standing still, moved by the test.

    Every reader of the time sees it (the block's ``clock.now()``, the plugin's
    ``timezone.localdate()`` for the academic year, the database rows' timestamps), so a
    learner verified on 5 March 2026 earns hours for 2026 whatever the machine's date.
    """

    def __init__(self, start):
        self._traveller = time_machine.travel(start, tick=False)
        self._coordinates = self._traveller.start()

    def __call__(self):
        return timezone.now()

    def advance(self, seconds):
        self._coordinates.shift(timedelta(seconds=seconds))
        return timezone.now()

    def move_to(self, moment):
        self._coordinates.move_to(moment)
        return timezone.now()

    def stop(self):
        self._traveller.stop()
