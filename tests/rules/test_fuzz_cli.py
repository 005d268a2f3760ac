"""
Fuzzing ``cadre-hours evaluate`` and ``cadre-hours policies validate`` (hypothesis,
bounded budget): whatever the bytes, the command exits 0, 1 (a validated file has
errors) or 2 (bad input, one message) -- never a traceback.  ``cli.main`` is the
real entry point (the console script calls it); an exception escaping it is the
traceback a person would see.
"""
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_policy_plugin import cli
from cadre_policy_plugin.rules.vocabulary import CATEGORIES, RANKS, SOURCES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "example.json").read_text(encoding="utf-8"))
OVERLAY = yaml.safe_load((ROOT / "docs" / "examples" / "anhui-unit-overlay.yaml").read_text(encoding="utf-8"))
BUDGET = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["1e30", "1e999999", "-0", "NaN", "Infinity", "0.0000001", "99999999999", "2.5", "\ud800",
                     "0001-01-01", "9999-12-31", "2026-02-29", "2026-03-01", "", " ", "\x00"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=10), inner, max_size=4), max_leaves=20)

entries = st.fixed_dictionaries({
    "id": st.one_of(st.text(min_size=0, max_size=8), st.integers(), st.none()),
    "source": st.one_of(st.sampled_from(SOURCES), scalars),
    "on": st.one_of(st.dates().map(lambda day: day.isoformat()), scalars),
}, optional={
    "category": st.one_of(st.sampled_from(CATEGORIES), scalars),
    "minutes": scalars, "hours": scalars, "credits": scalars, "half_days": scalars, "characters": scalars,
    "absent_hours": scalars, "exam_passed": scalars,
})
year_documents = st.fixed_dictionaries({
    "year": st.one_of(st.integers(min_value=1990, max_value=2100), scalars),
    "learner": st.one_of(st.fixed_dictionaries({"rank": st.one_of(st.sampled_from(RANKS), scalars)},
                                               optional={"registered_on": scalars}), scalars),
    "entries": st.one_of(st.lists(entries, max_size=6), scalars),
}, optional={"history": json_values})


def run_cli(argv, stdin_bytes=None):
    """``cli.main(argv)`` with stdin/stdout/stderr captured; (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(stdin_bytes or b""), encoding="utf-8")
    old_stdin = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(argv)
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue(), err.getvalue()


def as_bytes(document):
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return repr(document).encode("utf-8", "surrogatepass")


@BUDGET
@given(year_documents, st.sampled_from(["loudi", "anhui", "fujian-2017", "nei-mongol-2016"]))
def test_evaluate_never_raises_on_structured_year_documents(document, policy):
    status, _out, err = run_cli(["evaluate", "--policy", policy, "-"], as_bytes(document))
    assert status in (0, 2), err
    if status == 2:
        assert err.startswith("cadre-hours: ") and err.count("\n") == 1, err


@BUDGET
@given(st.one_of(st.binary(max_size=300), json_values.map(as_bytes),
                 st.builds(lambda depth: b"[" * depth + b"]" * depth, st.integers(0, 200_000))))
def test_evaluate_never_raises_on_arbitrary_bytes(data):
    status, _out, err = run_cli(["evaluate", "--policy", "loudi", "-"], data)
    assert status in (0, 2), err


def mutated_overlay():
    """The example overlay with a random subtree replaced, added or removed."""
    keys = st.sampled_from(["extends", "key", "title", "document", "quotas", "caps", "sources", "academic_year",
                            "learning", "x", "region"])
    return st.builds(lambda key, value, drop: _mutate(key, value, drop), keys, json_values, st.booleans())


def _mutate(key, value, drop):
    overlay = json.loads(json.dumps(OVERLAY))
    if drop:
        overlay.pop(key, None)
    else:
        overlay[key] = value
    return overlay


def _write(data):
    handle = tempfile.NamedTemporaryFile("wb", suffix=".yaml", delete=False)  # noqa: SIM115
    with handle:
        handle.write(data)
    return handle.name


def _yaml_bytes(document):
    try:
        return yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, UnicodeEncodeError):
        return as_bytes(document)


@BUDGET
@given(st.one_of(mutated_overlay().map(_yaml_bytes), st.binary(max_size=300), st.text(max_size=300).map(
    lambda text: text.encode("utf-8", "surrogatepass"))))
def test_policies_validate_and_evaluate_with_an_overlay_never_raise(data):
    path = _write(data)
    try:
        status, _out, err = run_cli(["policies", "validate", path])
        assert status in (0, 1, 2), err
        status, _out, err = run_cli(["evaluate", "--policy", "anhui-2019", "--overlay", path, "-"],
                                    json.dumps(EXAMPLE).encode())
        assert status in (0, 2), err
    finally:
        os.unlink(path)
