"""Build the double-click app for the platform this runs on, and optionally smoke-test it.

    python packaging/build.py [--smoke-test]

Needs `pip install -e '.[build]'` (PyInstaller). Produces dist/relationjournal/ (a one-folder
bundle; "dist/Relation Journal.app" on macOS) and, on Linux, dist/relationjournal-VERSION-linux-ARCH.tar.gz
with the bundle, the .desktop file, the icons and an install script.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "relationjournal"
EXECUTABLE = BUNDLE / ("relationjournal.exe" if sys.platform == "win32" else "relationjournal")

INSTALL_SH = """#!/bin/sh
# Install Relation Journal for this user: the bundle in ~/.local/opt, a launcher entry and icons.
set -e
here=$(cd "$(dirname "$0")" && pwd)
target="$HOME/.local/opt/relationjournal"
mkdir -p "$target"
cp -R "$here/relationjournal/." "$target/"
"$target/relationjournal" --install-desktop-entry
echo "Installed. Find Relation Journal in your applications menu."
"""


def build() -> None:
    sys.path.insert(0, str(ROOT))
    from relationjournal import __version__

    shutil.rmtree(BUNDLE, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", str(DIST),
         "--workpath", str(ROOT / "build" / "pyinstaller"), str(ROOT / "packaging" / "relationjournal.spec")],
        check=True, cwd=ROOT,
    )  # fmt: skip
    print(f"built {BUNDLE} in {time.perf_counter() - started:.0f} s; bundle size {size_mb(BUNDLE):.0f} MB")
    if sys.platform.startswith("linux"):
        archive = DIST / f"relationjournal-{__version__}-linux-{platform.machine()}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(BUNDLE, arcname="relationjournal-app/relationjournal")
            tar.add(
                ROOT / "resources" / "relationjournal.desktop", arcname="relationjournal-app/relationjournal.desktop"
            )
            tar.add(ROOT / "resources" / "icons" / "app.svg", arcname="relationjournal-app/relationjournal.svg")
            script = DIST / "install.sh"
            script.write_text(INSTALL_SH)
            script.chmod(0o755)
            tar.add(script, arcname="relationjournal-app/install.sh")
        print(f"archive {archive} ({archive.stat().st_size / 1e6:.0f} MB)")


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def smoke_test() -> None:
    """Run the built executable as a user would: version, a journal in a temp folder, the GUI."""
    with tempfile.TemporaryDirectory() as temp:
        home = Path(temp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
                   XDG_CACHE_HOME=str(home / "cache"), RELATIONJOURNAL_DATA_DIR=str(home / "journal"),
                   QT_QPA_PLATFORM="offscreen")  # fmt: skip

        def run(*args: str, **extra: str) -> str:
            result = subprocess.run([str(EXECUTABLE), *args], env={**env, **extra}, capture_output=True, text=True,
                                    timeout=120)  # fmt: skip
            if result.returncode != 0:
                raise SystemExit(f"smoke test failed: relationjournal {' '.join(args)}\n{result.stdout}{result.stderr}")
            return result.stdout

        print(run("--version").strip())
        # The platform's real keyring, found by the frozen app: a Secret Service on a private D-Bus.
        if shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"):
            script = (
                "printf '%s' smoke | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
                f"'{EXECUTABLE}' init && '{EXECUTABLE}' person add 'Smoke Test' && "
                f"'{EXECUTABLE}' export --csv '{home / 'export'}' && '{EXECUTABLE}' gui --quit-after-paint"
            )
            result = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env, capture_output=True,
                                    text=True, timeout=300)  # fmt: skip
            exported = list((home / "export").glob("relationjournal-export-*/people.csv"))  # (a new dated folder)
            if result.returncode != 0 or not exported:
                raise SystemExit(f"smoke test with the Secret Service failed:\n{result.stdout}{result.stderr}")
            print("init, person add, export --csv and gui --quit-after-paint with the Secret Service: ok")
        # No keyring at all: the passphrase path.
        fallback = {"RELATIONJOURNAL_DATA_DIR": str(home / "journal2"), "PYTHON_KEYRING_BACKEND":
                    "keyring.backends.fail.Keyring", "RELATIONJOURNAL_PASSPHRASE": "smoke test passphrase"}  # fmt: skip
        run("init", **fallback)
        run("person", "add", "Ada", **fallback)
        run("export", "--csv", str(home / "export2"), **fallback)
        run("gui", "--quit-after-paint", **fallback)
        print("init, person add, export --csv and gui --quit-after-paint with a passphrase: ok")
        if sys.platform.startswith("linux"):
            run("--install-desktop-entry")
            desktop = home / "data" / "applications" / "relationjournal.desktop"
            if shutil.which("desktop-file-validate"):
                subprocess.run(["desktop-file-validate", str(desktop)], check=True)
            print(f"desktop entry: {desktop}")
    print(f"bundle size: {size_mb(BUNDLE):.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke-test", action="store_true", help="run the built executable afterwards")
    parser.add_argument("--no-build", action="store_true", help="only smoke-test an existing build")
    args = parser.parse_args()
    if not args.no_build:
        build()
    if args.smoke_test:
        smoke_test()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
