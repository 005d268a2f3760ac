"""
The sandbox's lecture media, served with HTTP ``Range`` (RFC 9110 §14).

A browser seeks in a video by asking for byte ranges: Django's static serving (and
``runserver --insecure``) ignores ``Range`` and always answers 200 with the whole file,
so Chromium treats the video as not seekable and "resume at the verified point"
restarts at 0:00.  This view answers a single byte range with 206 Partial Content, a
range past the end with 416, and anything it does not understand (several ranges, a
malformed header) with the whole file, as the RFC allows.  A real LMS serves video from
its own storage or CDN, which does this already; the view is the sandbox's only.
"""
import mimetypes
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe

SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def media_root():
    """Folder of the demo lectures (``settings.SANDBOX_MEDIA_ROOT``)."""
    return Path(settings.SANDBOX_MEDIA_ROOT)


def byte_range(header, size):
    """
    ``(start, end)`` (inclusive) for a single-range ``Range`` header, ``None`` to send the
    whole file (no header, several ranges, not bytes, malformed), or ``"unsatisfiable"``.
    """
    if not header:
        return None
    match = SINGLE_RANGE.match(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # bytes=-500: the last 500 bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return "unsatisfiable"
    return start, end


def _chunks(path, start, length):
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


@require_safe
def serve_media(request, path):
    """One media file, whole (200) or a byte range of it (206); 416 past the end."""
    try:
        full_path = safe_join(media_root(), path)
    except (SuspiciousFileOperation, ValueError) as exc:  # ../ out of the folder
        raise Http404 from exc
    if not os.path.isfile(full_path):
        raise Http404
    stat = os.stat(full_path)
    size = stat.st_size
    content_type = mimetypes.guess_type(full_path)[0] or "application/octet-stream"
    wanted = byte_range(request.headers.get("Range"), size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(open(full_path, "rb"), content_type=content_type)  # noqa: SIM115 - closed by Django
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        length = end - start + 1
        response = StreamingHttpResponse(_chunks(full_path, start, length), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "public, max-age=3600"
    return response
