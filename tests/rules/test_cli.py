"""The ``cadre-hours`` command: real output for good input, exit 2 and a named field for bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example.json"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "cadre_policy_plugin.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_evaluate_the_readme_example_under_loudi():
    result = run("evaluate", "--policy", "loudi", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["policy"] == "loudi" and output["unit"] == "credits"
    assert output["period"] == {"start": "2026-01-01", "end": "2026-12-31", "makeup_end": None}
    assert output["entries"][0] == {"id": "e1", "counted": True, "category": "required", "hours": "2", "value": "2"}
    assert output["entries"][3] == {"id": "e4", "counted": False, "reason": "source_not_counted"}
    assert output["requirements"] == [
        {"key": "total", "needed": "40", "earned": "8.5", "met": False, "shortfall": "31.5"},
        {"key": "required", "needed": "24", "earned": "2", "met": False, "shortfall": "22"},
    ]
    assert output["met"] is False and output["assessment"] is None


def test_evaluate_reads_standard_input_and_accepts_a_region_name():
    result = run("evaluate", "--policy", "anhui", "-", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["policy"] == "anhui-2019"
    assert output["assessment"]["consecutive_incomplete_years"] == 2
    assert output["assessment"]["max_rating"] == "basically_competent"


def test_evaluate_with_an_overlay_file(tmp_path):
    overlay = ROOT / "docs" / "examples" / "anhui-unit-overlay.yaml"
    result = run("evaluate", "--policy", "anhui-2019", "--overlay", str(overlay), str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    keys = [r["key"] for r in json.loads(result.stdout)["requirements"]]
    assert keys == ["total", "required"]


@pytest.mark.parametrize(
    "document, field",
    [
        ({"learner": {"rank": "county"}}, "year"),
        ({"year": 2026, "learner": {"rank": "mayor"}}, "learner.rank"),
        ({"year": 2026, "learner": {"rank": "county", "registered_on": "1/3/2026"}}, "learner.registered_on"),
        ({"year": 2026, "learner": {"rank": "county"}, "entries": [{"id": "a", "source": "tv", "on": "2026-01-01"}]},
         "entries[0].source"),
        ({"year": 2026, "learner": {"rank": "county"},
          "entries": [{"id": "a", "source": "online_course", "category": "required", "minutes": 2.5, "on": "2026-01-01"}]},
         "entries[0].minutes"),
        ({"year": 2026, "learner": {"rank": "county"},
          "entries": [{"id": "a", "source": "online_course", "category": "required", "minutes": "x", "on": "2026-01-01"}]},
         "entries[0].minutes"),
        ({"year": 2026, "learner": {"rank": "county"},
          "entries": [{"id": "a", "source": "online_course", "minutes": "45", "on": "2026-01-01"}]},
         "entries[0].category"),
        ({"year": 2026, "learner": {"rank": "county"},
          "entries": [{"id": "a", "source": "online_course", "category": "required", "on": "2026-02-30", "hours": "1"}]},
         "entries[0].on"),
        ({"year": 2026, "learner": {"rank": "county"}, "history": {"2025": "no"}}, "history.2025"),
        ({"year": 2026, "learner": {"rank": "county"},
          "entries": [{"id": "a", "source": "online_course", "category": "required", "on": "2026-02-01", "hours": "1"},
                      {"id": "a", "source": "online_course", "category": "required", "on": "2026-02-02", "hours": "1"}]},
         "entries[1].id"),
    ],
)
def test_bad_input_exits_2_naming_the_field_without_a_traceback(document, field):
    result = run("evaluate", "--policy", "loudi", "-", stdin=json.dumps(document))
    assert result.returncode == 2
    assert field in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_malformed_json_and_missing_file_exit_2():
    broken = run("evaluate", "--policy", "loudi", "-", stdin="{not json")
    missing = run("evaluate", "--policy", "loudi", "no-such-file.json")
    unknown = run("evaluate", "--policy", "hebei", str(EXAMPLE))
    for result in (broken, missing, unknown):
        assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not valid JSON (line 1" in broken.stderr
    assert "no-such-file.json" in missing.stderr
    assert "unknown policy 'hebei'" in unknown.stderr


def test_policies_lists_the_four_packs():
    result = run("policies")
    assert result.returncode == 0
    for key in ("fujian-2017", "anhui-2019", "loudi", "nei-mongol-2016"):
        assert key in result.stdout


def test_policies_show_prints_the_pack_with_citations():
    result = run("policies", "show", "nei-mongol-2016")
    assert result.returncode == 0
    assert "# citations" in result.stdout
    assert "第七条 以学习笔记、心得体会、调研报告字数为计算依据，每1000字计4学时" in result.stdout


def test_policies_validate_prints_every_error_with_its_location(tmp_path):
    good = run("policies", "validate", str(ROOT / "cadre_policy_plugin" / "policies" / "fujian-2017.yaml"))
    assert good.returncode == 0 and "valid" in good.stdout
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "cadre_policy_plugin" / "policies" / "loudi.yaml").read_text(encoding="utf-8")
    text = text.replace("unit: {value: credits,", "unit: {value: points,").replace('  end: "12-31"', '  end: "12-32"')
    broken.write_text(text, encoding="utf-8")
    result = run("policies", "validate", str(broken))
    assert result.returncode == 1
    assert f"{broken}: unit.value:" in result.stdout
    assert f"{broken}: academic_year.end:" in result.stdout


def test_policies_validate_checks_an_overlay_against_its_base():
    result = run("policies", "validate", str(ROOT / "docs" / "examples" / "anhui-unit-overlay.yaml"))
    assert result.returncode == 0, result.stdout


def test_cycle_reports_the_five_year_requirement():
    document = {"year": 2026, "learner": {"rank": "county"},
                "entries": [{"id": "a", "source": "offline_training", "half_days": 10, "on": "2024-05-01"}]}
    result = run("cycle", "--policy", "nei-mongol-2016", "-", stdin=json.dumps(document))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["earned"] == "40"


def test_importing_the_plugin_and_the_cli_does_not_import_django():
    code = ("import sys, cadre_policy_plugin, cadre_policy_plugin.rules, cadre_policy_plugin.cli, "
            "cadre_policy_plugin.data; assert 'django' not in sys.modules, 'django imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_cycle_reports_met_null_for_a_rank_the_550_hours_do_not_apply_to():
    document = {"year": 2026, "learner": {"rank": "staff"}, "entries": []}
    result = run("cycle", "--policy", "nei-mongol-2016", "-", stdin=json.dumps(document))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["applies"] is False
    assert output["met"] is None and output["needed"] is None
