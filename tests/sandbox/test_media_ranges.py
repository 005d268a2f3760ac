"""
The sandbox's lecture media answers HTTP Range requests, so a browser can seek and the
player can resume at the verified point (Django's static serving ignores Range).
"""
import pytest
from django.test import RequestFactory, override_settings

from sandbox.media import byte_range, serve_media

CONTENT = bytes(range(256)) * 40  # 10240 bytes, every offset recognisable


@pytest.fixture
def media(tmp_path):
    (tmp_path / "lecture.webm").write_bytes(CONTENT)
    with override_settings(SANDBOX_MEDIA_ROOT=tmp_path):
        yield tmp_path


def get(path, **headers):
    request = RequestFactory().get(f"/media/{path}", headers=headers)
    return serve_media(request, path)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("header", "expected"), [
    (None, None),
    ("bytes=0-", (0, 10239)),
    ("bytes=100-199", (100, 199)),
    ("bytes=10000-99999", (10000, 10239)),
    ("bytes=-240", (10000, 10239)),
    ("bytes=-99999", (0, 10239)),
    ("bytes=10240-", "unsatisfiable"),
    ("bytes=300-200", "unsatisfiable"),
    ("bytes=-0", "unsatisfiable"),
    ("bytes=0-10,20-30", None),  # several ranges: the whole file is a valid answer
    ("items=0-10", None),
    ("bytes=-", None),
])
def test_a_range_header_is_read_as_the_rfc_says(header, expected):
    assert byte_range(header, len(CONTENT)) == expected


def test_a_range_request_gets_206_with_exactly_those_bytes(media):
    response = get("lecture.webm", Range="bytes=1000-1999")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 1000-1999/10240"
    assert response["Content-Length"] == "1000"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert body(response) == CONTENT[1000:2000]


def test_an_open_ended_range_runs_to_the_end_of_the_file(media):
    response = get("lecture.webm", Range="bytes=10000-")
    assert response.status_code == 206
    assert body(response) == CONTENT[10000:]


def test_without_range_the_whole_file_is_sent_and_ranges_are_advertised(media):
    response = get("lecture.webm")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(CONTENT))
    assert body(response) == CONTENT


def test_a_range_past_the_end_is_refused_with_416_and_the_size(media):
    response = get("lecture.webm", Range="bytes=20000-")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10240"


@pytest.mark.parametrize("path", ["../secret.txt", "missing.webm", "sub/../../secret.txt"])
def test_nothing_outside_the_media_folder_or_missing_is_served(media, path):
    (media.parent / "secret.txt").write_text("no")
    from django.http import Http404

    with pytest.raises(Http404):
        get(path)


def test_the_shipped_demo_lecture_is_served_in_ranges_by_the_sandbox_settings():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[2] / "sandbox" / "static" / "sandbox" / "media"
    with override_settings(SANDBOX_MEDIA_ROOT=shipped):
        response = get("lecture-20s.webm", Range="bytes=0-3")
    assert response.status_code == 206
    assert body(response) == b"\x1a\x45\xdf\xa3"  # the EBML magic that starts every WebM file
