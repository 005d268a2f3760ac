"""
The browser tests reach nothing beyond loopback: no DNS query, no connection elsewhere.

Chromium logs every host resolution, DNS transaction, socket connection and URL request
to its NetLog (``--log-net-log``).  This test runs a browser with the suite's flags
(``CHROMIUM_ARGS``) through a learner's pages and a lecture, closes it so the log is
complete, and reads the log.  Without those flags the same log shows lookups of Google
hosts (network time, component updates, the account list, DNS probes).

One entry is allowed and named: Chromium's IPv6 reachability check ``connect()``s a UDP
socket to a public IPv6 address to ask the kernel for a route.  A UDP ``connect()``
sends no packet; the test checks that this is the only non-loopback address and that
it is UDP.
"""
import ipaddress
import json
import re

import pytest

from tests.e2e.conftest import CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

#: Chromium's IPv6 reachability probe target (a route lookup: UDP connect, nothing sent).
IPV6_PROBE = "2001:4860:4860::8888"


def _host_of(text):
    """``http://127.0.0.1:9/x`` / ``[::1]:443`` / ``google.com:443`` -> the host part."""
    text = re.sub(r"^[a-z]+://", "", str(text)).split("/", 1)[0]
    if text.startswith("["):
        return text[1:text.index("]")]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_netlog(path):
    """(event name, params) pairs of a NetLog file."""
    netlog = json.loads(path.read_text(encoding="utf-8"))
    names = {number: name for name, number in netlog["constants"]["logEventTypes"].items()}
    return [(names.get(event["type"], str(event["type"])), event.get("params") or {}) for event in netlog["events"]]


def beyond_loopback(events):
    """What the log shows leaving loopback: DNS queries, TCP/UDP connects, URL requests."""
    found = {"dns": set(), "tcp": set(), "udp": set(), "url": set(), "resolve": set()}
    for name, params in events:
        if name == "DNS_TRANSACTION" and "hostname" in params:
            found["dns"].add(params["hostname"])
        elif name in ("TCP_CONNECT_ATTEMPT",) and "address" in params:
            found["tcp"].add(_host_of(params["address"]))
        elif name == "UDP_CONNECT" and "address" in params:
            found["udp"].add(_host_of(params["address"]))
        elif name == "URL_REQUEST_START_JOB" and "url" in params:
            found["url"].add(_host_of(params["url"]))
        elif name == "HOST_RESOLVER_MANAGER_REQUEST" and "host" in params:
            found["resolve"].add(_host_of(params["host"]))
    return {kind: {host for host in hosts if not _is_loopback(host)} for kind, hosts in found.items()}, found


def test_chromium_resolves_no_name_and_connects_only_to_loopback(sandbox, browser, chromium_path, tmp_path, shoot):
    netlog_path = tmp_path / "netlog.json"
    # A browser of its own (same Playwright, same flags) so that its NetLog is complete when it closes.
    logged = browser.browser_type.launch(
        executable_path=chromium_path, headless=True,
        args=[*CHROMIUM_ARGS, f"--log-net-log={netlog_path}", "--net-log-capture-mode=Everything"])
    try:
        page = logged.new_context(locale="zh-CN").new_page()
        page.goto(sandbox.url("/login/"))
        page.fill("#id_username", "learner_veteran")
        page.fill("#id_password", "demo1234")
        page.click("[data-testid=sign-in]")
        page.wait_for_selector("[data-testid=signed-in-as]")
        for path in ("/courses/course-v1:CadreAcademy+SZZF201+2026/", "/my/file/", "/verify/"):
            page.goto(sandbox.url(path))
        page.wait_for_timeout(3000)  # time for any background service to start talking
        shoot(page, "no-network-last-page")
    finally:
        logged.close()

    outside, seen = beyond_loopback(read_netlog(netlog_path))
    assert seen["tcp"] and seen["url"], "the NetLog shows no request at all: the check would prove nothing"
    assert outside["dns"] == set(), f"DNS queries: {outside['dns']}"
    assert outside["tcp"] == set(), f"TCP connections beyond loopback: {outside['tcp']}"
    assert outside["url"] == set(), f"requests beyond loopback: {outside['url']}"
    assert outside["resolve"] == set(), f"names resolved: {outside['resolve']}"
    assert outside["udp"] <= {IPV6_PROBE}, f"UDP beyond loopback: {outside['udp']}"
