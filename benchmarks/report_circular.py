"""
The unit circular in flat memory: seconds and peak RSS at the small and the large
population of ``benchmarks/_scale.py`` (10 k and 100 k learners in the full run), MariaDB.

    .venv/bin/python benchmarks/report_circular.py

Each measurement is a fresh child process (so its peak RSS is its own) that builds the
node's circular from the status cache and writes the learners' CSV and the XLSX to
files, as ``cadre_unit_circular --format csv|xlsx --output`` does.  The baseline is the
same run at the small size: the target (issue 14) is a peak RSS at the large size of at
most 300 MB and at most 1.2× the small one.  The statuses are the close's (run inline
first when the cache is not full, e.g. when this runs on its own); every status row
carries the engine's ``detail`` JSON, which the circular must not load.
"""
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _scale  # noqa: E402


def child(code):
    _scale.setup_django()
    from cadre_policy_plugin.models import OrgNode
    from cadre_policy_plugin.services import circular_exports, circulars

    node = OrgNode.objects.get(code=code)
    started = time.perf_counter()
    circular = circulars.build_circular(node, _scale.YEAR)
    with tempfile.TemporaryDirectory() as workdir:
        csv_path = Path(workdir) / "learners.csv"
        with open(csv_path, "wb") as handle:
            for chunk in circular_exports.iter_csv(circular):
                handle.write(chunk)
        circular_exports.write_xlsx(circular, str(Path(workdir) / "circular.xlsx"))
        size = csv_path.stat().st_size
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"learners": circular.totals.learners + circular.totals.inactive, "seconds": elapsed,
                      "peak_mb": peak_mb, "csv_bytes": size}))


def ensure_statuses():
    _scale.setup_django()
    from cadre_policy_plugin.models import CloseJob, LearnerProfile, YearStatus
    from cadre_policy_plugin.services import close

    learners = LearnerProfile.objects.count()
    if YearStatus.objects.filter(year=_scale.YEAR).count() < learners:
        print(f"  the status cache is not full: closing {learners} learners inline first…")
        close.run_inline(close.create_job(years=[_scale.YEAR], reason=CloseJob.Reason.COMMAND))


def measure(code):
    output = subprocess.run([sys.executable, __file__, "--child", code], cwd=_scale.ROOT, capture_output=True,
                            text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
        return 0
    if not _scale.mariadb_listening():
        print("MariaDB is not listening on 127.0.0.1:3306: the circular benchmark is skipped")
        return 0
    _scale.ensure_dataset()
    ensure_statuses()
    runs = {"small": [], "large": []}
    for _round in range(_scale.rounds()):
        for label, code in (("small", "BENCH-C00"), ("large", "BENCH")):
            runs[label].append(measure(code))
    print(f"\nUnit circular, CSV + XLSX written (MariaDB); {_scale.machine()}\n")
    print(f"{'size':<7}{'learners':>9}{'seconds':>22}{'peak RSS MB':>24}{'RSS vs small':>14}")
    base_rss = _scale.spread([run["peak_mb"] for run in runs["small"]])[0]
    for label in ("small", "large"):
        seconds = _scale.spread([run["seconds"] for run in runs[label]])
        rss = _scale.spread([run["peak_mb"] for run in runs[label]])
        print(f"{label:<7}{runs[label][0]['learners']:>9}{seconds[0]:>10.1f} ({seconds[1]:.1f}–{seconds[2]:.1f})"
              f"{rss[0]:>12.0f} ({rss[1]:.0f}–{rss[2]:.0f}){rss[0] / base_rss:>13.2f}x")
    large_rss = _scale.spread([run["peak_mb"] for run in runs["large"]])[0]
    ok = large_rss <= 300 and large_rss <= 1.2 * base_rss
    print(f"\nlarge: peak RSS {large_rss:.0f} MB (target ≤ 300 MB) and {large_rss / base_rss:.2f}x the small one "
          f"(target ≤ 1.2x) -> {_scale.verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
