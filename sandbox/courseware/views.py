"""
Course pages and the XBlock handler endpoint (the LMS's courseware views, in small).

Handlers run for ``request.user`` only: there is no ``?student=`` parameter as in the
workbench, so a learner can never act as someone else.  Like the LMS, a handler needs
an active enrolment (staff excepted); unlike the LMS the endpoint keeps Django's CSRF
check (the sandbox's JS runtime sends the token).
"""
import logging
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from web_fragments.fragment import Fragment
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import NoSuchHandlerError, NoSuchUsage
from xblock.plugin import PluginMissingError

from sandbox.courseware import lms
from sandbox.courseware.models import Course, CourseBlock, GeneratedCertificate
from sandbox.courseware.runtime import SandboxRuntime

log = logging.getLogger(__name__)


def _may_use_course(user, course):
    return user.is_staff or lms.is_enrolled(user, course)


@login_required
def course_page(request, course_id):
    """The learner's course page: enrol, the course's blocks, passing and certificate."""
    course = get_object_or_404(Course, course_key=course_id)
    enrolled = lms.is_enrolled(request.user, course)
    fragment = Fragment()
    rendered = []
    if enrolled or request.user.is_staff:
        runtime = SandboxRuntime(request.user, request=request)
        for block_row in course.blocks.all():
            try:
                block = runtime.get_block(block_row.usage_key)
                block_fragment = runtime.render(block, "student_view", {})
            except (NoSuchUsage, PluginMissingError):
                log.exception("Block %s of %s cannot be rendered", block_row.usage_key, course.course_key)
                continue
            fragment.add_fragment_resources(block_fragment)
            rendered.append({"row": block_row, "html": block_fragment.body_html()})
    certificate = GeneratedCertificate.objects.filter(user=request.user, course=course).first()
    passing = lms.compute_passing(request.user, course) if enrolled else False
    return render(
        request,
        "sandbox/course.html",
        {
            "course": course,
            "enrolled": enrolled,
            "blocks": rendered,
            "head_html": fragment.head_html(),
            "foot_html": fragment.foot_html(),
            "passing": passing,
            "certificate": certificate,
        },
    )


@login_required
@require_POST
def enroll(request, course_id):
    """Enrol through ``CourseEnrollmentStarted`` (a refusal is shown, not hidden)."""
    course = get_object_or_404(Course, course_key=course_id)
    _enrollment, refusal = lms.enroll(request.user, course)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("You are enrolled."))
    return redirect("sandbox_courseware:course", course_id=course.course_key)


@login_required
@require_POST
def request_certificate(request, course_id):
    """Ask for the course certificate again (after the filter refused it once)."""
    course = get_object_or_404(Course, course_key=course_id)
    if not lms.is_enrolled(request.user, course):
        raise Http404
    certificate, refusal = lms.request_certificate(request.user, course, generation_mode="self")
    if refusal:
        messages.error(request, refusal)
    elif certificate is None:
        messages.info(request, _("The course is not passed yet."))
    else:
        messages.success(request, _("Certificate issued."))
    return redirect("sandbox_courseware:course", course_id=course.course_key)


@login_required
def xblock_handler(request, course_id, usage_id, handler, suffix=""):
    """Run ``handler`` of the block for the signed-in user (LMS ``handle_xblock_callback``)."""
    try:
        usage_key = UsageKey.from_string(usage_id)
    except InvalidKeyError as exc:
        raise Http404 from exc
    if str(usage_key.course_key) != course_id:
        raise Http404
    block_row = CourseBlock.objects.select_related("course").filter(usage_key=str(usage_key)).first()
    if block_row is None:
        raise Http404
    if not _may_use_course(request.user, block_row.course):
        return HttpResponseForbidden(_("Enrol in the course first."))
    runtime = SandboxRuntime(request.user, request=request)
    block = runtime.get_block(usage_key)
    try:
        response = runtime.handle(block, handler, django_to_webob_request(request), suffix)
    except NoSuchHandlerError as exc:
        raise Http404 from exc
    return webob_to_django_response(response)


def handler_prefix(request, course_id, usage_id):
    """Only a URL prefix for the JS runtime; a handler name must follow."""
    raise Http404


def xblock_resource(request, block_type, uri):
    """Serve a block's packaged public resource (``local_resource_url``)."""
    runtime = SandboxRuntime(None)
    try:
        block_class = runtime.load_block_type(block_type)
        content = block_class.open_local_resource(uri)
    except (PluginMissingError, OSError, ValueError) as exc:
        raise Http404 from exc
    mimetype, _encoding = mimetypes.guess_type(uri)
    return HttpResponse(content.read(), content_type=mimetype or "application/octet-stream")
