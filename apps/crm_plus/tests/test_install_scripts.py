"""The README's install path (`scripts/bench-get-app.sh`) builds and links the app's assets after
`bench get-app --skip-assets` (issue 22: /assets/crm_plus/... answered 404 on a site installed that way).

The script runs here against a throwaway bench folder with a stand-in `bench` on PATH that records its
arguments (and acts like get-app by cloning the snapshot into apps/), never against a real bench."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "bench-get-app.sh"

FAKE_BENCH = """#!/usr/bin/env bash
echo "$*" >>"$BENCH_CALLS"
if [ "$1" = get-app ]; then
	git clone -q "${@: -1}" apps/crm_plus
fi
if [ "$1" = build ] && [ -n "$BENCH_BUILD_FAILS" ]; then
	exit 1
fi
exit 0
"""


def run_script(tmp_path: Path, build_fails: bool = False) -> tuple[subprocess.CompletedProcess, list[str]]:
	bench_dir = tmp_path / "frappe-bench"
	(bench_dir / "apps").mkdir(parents=True)
	bin_dir = tmp_path / "bin"
	bin_dir.mkdir()
	fake = bin_dir / "bench"
	fake.write_text(FAKE_BENCH)
	fake.chmod(fake.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
	calls = tmp_path / "calls.txt"
	env = os.environ | {
		"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
		"BENCH_CALLS": str(calls),
		"BENCH_BUILD_FAILS": "1" if build_fails else "",
	}
	done = subprocess.run(
		["bash", str(SCRIPT), str(bench_dir)], env=env, capture_output=True, text=True, timeout=120
	)
	return done, calls.read_text().splitlines() if calls.exists() else []


needs_git = pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")


@needs_git
def test_get_app_is_followed_by_a_build_of_the_apps_assets(tmp_path):
	done, calls = run_script(tmp_path)
	assert done.returncode == 0, done.stderr
	assert [call.split()[0] for call in calls] == ["get-app", "build"], calls
	assert calls[0].startswith("get-app --skip-assets ")
	assert calls[1] == "build --app crm_plus"
	# The app that get-app took is this checkout's, public scripts included.
	assert (tmp_path / "frappe-bench/apps/crm_plus/crm_plus/public/js/public_post.js").is_file()


@needs_git
def test_a_failed_build_is_reported_and_left_to_the_install(tmp_path):
	done, calls = run_script(tmp_path, build_fails=True)
	assert done.returncode == 0, done.stderr
	assert calls[-1] == "build --app crm_plus"
	assert "install-app crm_plus' links the app's assets" in done.stderr
