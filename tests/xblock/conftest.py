"""
Fixtures of the block tests: a server clock the test moves, learners, a block.

Block settings live in one field store shared by every runtime, so each test uses a
block name of its own.
"""
import re
from datetime import UTC, datetime

import pytest

from tests.plugin.factories import make_user

from .runtime import ServerClock, make_block

START = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai, inside every academic year


@pytest.fixture
def clock(request):
    """
    The block tests' server clock (replaces the suite's ticking one): it stands still at
    :data:`START`, or at the test's ``@pytest.mark.now``, until the test moves it.
    """
    from tests.clock import parse

    marker = request.node.get_closest_marker("now")
    server = ServerClock(parse(marker.args[0]) if marker else START)
    yield server
    server.stop()


@pytest.fixture
def block_name(request):
    return re.sub(r"[^A-Za-z0-9_]", "_", request.node.name)[:60]


@pytest.fixture
def learner(db):
    return make_user()


@pytest.fixture
def author(db):
    """A member of the course team: Studio says so (``make_block(..., studio=True)``); no ``is_staff``."""
    return make_user()


@pytest.fixture
def lecture(block_name, author):
    """A 600-second video lecture with no attention checks (set by an author)."""
    return make_block(block_name, author, duration_seconds=600, checks_required=0,
                      video_url="https://media.example.org/party-history-1.mp4", display_name="党史第一讲")
