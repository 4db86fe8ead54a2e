"""A serving process tunes Python's cycle collector once the application is loaded."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from rkc.collector import FIRST_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent


def test_wsgi_freezes_what_it_loaded_and_collects_less_often(tmp_path):
    """`wsgi.py` (what any WSGI server imports) loads the app, freezes it and raises the
    youngest generation's threshold; run in a process of its own, as a server would."""
    probe = textwrap.dedent(
        """
        import gc, sys
        before = gc.get_threshold()[0]
        sys.path.insert(0, sys.argv[1])
        import wsgi
        assert wsgi.app.name == "rkc"
        print(before, gc.get_threshold()[0], gc.get_freeze_count())
        """
    )
    env = {
        "RKC_DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "RKC_SECRET_KEY": "probe-secret-key-not-for-production-use",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    before, after, frozen = (int(n) for n in done.stdout.split())
    assert before < FIRST_THRESHOLD == after
    assert frozen > 10_000  # the application's modules, templates and objects
