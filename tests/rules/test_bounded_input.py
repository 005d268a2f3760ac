"""
Bad input to the engine and ``cadre-hours`` ends in one named error, never a traceback
or a gigabyte: each input reproduced in issue 13 has its own test with the error it gets.
"""
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from cadre_policy_plugin import rules
from cadre_policy_plugin.rules.bounded import MAX_DEPTH, DocumentError, load_json, load_yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "docs" / "examples" / "anhui-unit-overlay.yaml"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "cadre_policy_plugin.cli", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=60)


def year_with(**entry):
    base = {"id": "a", "source": "online_course", "category": "required", "on": "2026-03-01", "hours": "1"}
    return {"year": 2026, "learner": {"rank": "county"}, "entries": [{**base, **entry}]}


def alias_bomb(levels=8):
    """The 300-byte overlay of issue 13: each level repeats the previous one nine times."""
    lines = ["extends: anhui-2019", "title: {zh-Hans: 炸弹, en: bomb}", "document: {title: x}",
             'a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 9)}]")
    return "\n".join(lines) + "\n"


def measured(function, *args):
    """(exception or result, seconds, peak bytes) of one call."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = function(*args)
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        outcome = exc
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, elapsed, peak


def assert_clean_exit_2(result, *fragments):
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, stderr
    assert "Traceback" not in stderr + result.stdout.decode("utf-8", "replace")
    for fragment in fragments:
        assert fragment in stderr, stderr
    return stderr


# -- the learner's year as JSON -----------------------------------------------------------

def test_json_nested_100k_deep_is_refused_before_parsing():
    result = run("evaluate", "--policy", "loudi", "-", stdin=b"[" * 100_000 + b"]" * 100_000)
    assert_clean_exit_2(result, f"nested deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize("amount", ["1e30", "1e999999", "-1e999999", "99999999999"])
def test_a_decimal_string_beyond_the_range_is_a_field_error(amount):
    result = run("evaluate", "--policy", "loudi", "-", stdin=json.dumps(year_with(hours=amount, source="adjustment",
                                                                                   category=None)).encode())
    assert_clean_exit_2(result, "entries[0].hours", "must be less than 10,000,000")


def test_a_decimal_string_with_too_many_places_is_a_field_error():
    with pytest.raises(rules.InputError) as caught:
        rules.parse_year_input(year_with(hours="1.0000001"))
    assert caught.value.location == "entries[0].hours" and "decimal places" in caught.value.message


def test_a_5000_digit_integer_is_refused():
    document = json.dumps(year_with()).replace('"year": 2026', '"year": ' + "9" * 5000)
    result = run("evaluate", "--policy", "loudi", "-", stdin=document.encode())
    assert_clean_exit_2(result, "at most 20 are accepted")


def test_a_lone_surrogate_is_refused():
    document = json.dumps(year_with(id="\ud800"))
    assert "\\ud800" in document
    result = run("evaluate", "--policy", "loudi", "-", stdin=document.encode())
    assert_clean_exit_2(result, "lone surrogate")


def test_nan_and_infinity_are_not_numbers_here():
    with pytest.raises(DocumentError, match="NaN"):
        load_json('{"year": NaN}')


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31", "2028-01-01"])
def test_entries_are_dated_from_2000_to_the_end_of_the_following_year(day):
    result = run("evaluate", "--policy", "loudi", "-", stdin=json.dumps(year_with(on=day)).encode())
    assert_clean_exit_2(result, "entries[0].on", "outside the plausible range 2000-01-01 to 2027-12-31")


def test_the_last_day_of_the_following_year_is_still_accepted():
    year = rules.parse_year_input(year_with(on="2027-12-31"))
    assert year.entries[0].on.isoformat() == "2027-12-31"


def test_a_control_character_in_a_string_is_refused():
    result = run("evaluate", "--policy", "loudi", "-", stdin=json.dumps(year_with(id="a\u0000b")).encode())
    assert_clean_exit_2(result, "control character")


def test_binary_input_is_not_utf8_text():
    result = run("evaluate", "--policy", "loudi", "-", stdin=b"\xff\xfe\x00\x01" * 10)
    assert_clean_exit_2(result, "not UTF-8 text")


# -- overlays and packs ---------------------------------------------------------------------

def test_the_alias_bomb_is_refused_in_under_a_second_and_100_mb():
    text = alias_bomb()
    assert len(text.encode()) < 1024
    outcome, elapsed, peak = measured(load_yaml, text, "bomb.yaml")
    assert isinstance(outcome, DocumentError) and "aliases (*a0) are not accepted" in outcome.message
    assert elapsed < 1.0 and peak < 100 * 1024 * 1024, (elapsed, peak)


def test_policies_validate_refuses_the_alias_bomb_at_once(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    outcome, elapsed, peak = measured(rules.validate_file, str(bomb))
    assert outcome == [("line 5, column 10", "YAML aliases (*a0) are not accepted: write the values out")]
    assert elapsed < 1.0 and peak < 100 * 1024 * 1024, (elapsed, peak)
    result = run("policies", "validate", str(bomb))
    assert result.returncode == 1 and b"aliases" in result.stdout and b"Traceback" not in result.stderr


def test_a_deeply_nested_overlay_is_refused(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("extends: anhui-2019\nx: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = run("evaluate", "--policy", "anhui-2019", "--overlay", str(deep), str(ROOT / "example.json"))
    assert_clean_exit_2(result, f"nested deeper than {MAX_DEPTH} levels")


def test_a_binary_overlay_is_refused(tmp_path):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(bytes(range(256)) * 4)
    result = run("evaluate", "--policy", "anhui-2019", "--overlay", str(binary), str(ROOT / "example.json"))
    assert_clean_exit_2(result, "not UTF-8 text")
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"extends: anhui-2019\x00\n")
    assert rules.validate_file(str(nul)) == [("line 1, column 20", "control character U+0000: this is not a text document")]


def test_an_overlay_that_extends_itself_is_refused(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.write_text(OVERLAY.read_text(encoding="utf-8").replace("extends: anhui", f"extends: {loop}\n# was: anhui"),
                    encoding="utf-8")
    assert f"extends: {loop}" in loop.read_text(encoding="utf-8")
    result = run("evaluate", "--policy", str(loop), str(ROOT / "example.json"))
    assert_clean_exit_2(result, "extends itself")
    problems = rules.validate_file(str(loop))
    assert problems and problems[0][0] == "extends" and "extends itself" in problems[0][1]


def test_two_overlays_that_extend_each_other_are_refused(tmp_path):
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    body = "title: {zh-Hans: 甲, en: a}\ndocument: {title: x}\n"
    first.write_text(f"extends: {second}\n{body}", encoding="utf-8")
    second.write_text(f"extends: {first}\n{body}", encoding="utf-8")
    with pytest.raises(rules.PackError, match="extends itself"):
        rules.load_pack(str(first))


def test_an_oversized_overlay_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("extends: anhui-2019\n" + "# padding\n" * 40_000, encoding="utf-8")
    problems = rules.validate_file(str(big))
    assert "at most 262144 are read" in problems[0][1]


def test_a_pack_decimal_beyond_the_schema_range_is_a_field_error():
    base = rules.load_pack("anhui-2019")
    overlay = {"extends": "anhui-2019", "title": {"zh-Hans": "甲", "en": "a"}, "document": {"title": "x"},
               "quotas": {name: {"total": {"value": "1" + "0" * 40, "cite": "x"}} for name in base.data["quotas"]}}
    with pytest.raises(rules.PackError) as caught:
        rules.apply_overlay(base, overlay)
    assert caught.value.location.endswith("total.value")


def test_the_bundled_packs_and_the_example_overlay_still_load():
    assert {pack.key for pack in rules.available_packs()} >= {"anhui-2019", "fujian-2017", "loudi"}
    assert rules.validate_file(str(OVERLAY)) == []
