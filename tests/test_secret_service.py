"""The journal key in a real Secret Service (gnome-keyring on a private D-Bus session)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest

from tests.conftest import Sandbox

NEEDED = ("gnome-keyring-daemon", "dbus-run-session")


@pytest.fixture
def secret_service_available() -> None:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI must install {', '.join(missing)} (see .ci/run)")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed here; .ci/run installs them for CI")


@pytest.mark.secret_service
def test_init_and_use_a_journal_with_the_key_in_gnome_keyring(sandbox: Sandbox, secret_service_available) -> None:
    cli = f"{shlex.quote(sys.executable)} -m relationjournal"
    script = f"""
        set -e
        printf '%s' 'login password for the test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        {cli} init
        {cli} person add 'Ada Lovelace' --tag mathematician
        {cli} person list --format json
        {sys.executable} -c 'import keyring; print(type(keyring.get_keyring()).__module__)'
    """
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
    result = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "keyring.backends.SecretService"
    people = json.loads("\n".join(lines[lines.index("[") : -1]))
    assert [p["display_name"] for p in people] == ["Ada Lovelace"]
    # the key went into gnome-keyring's own store, not into any plain keyring file
    assert list((sandbox.root / "xdg-data" / "keyrings").glob("*.keyring"))
    assert not (sandbox.root / "xdg-data" / "python_keyring").exists()
