"""Build the double-click app for the platform this runs on, and optionally smoke-test it.

    python packaging/build.py [--smoke-test]

The smoke test also holds the bundle to its size budget (LIMITS: it fails past it, naming the ten
largest files) and reports the start-up time of `gui --quit-after-paint` (the median of five runs).

Needs `pip install -e '.[build]'` (PyInstaller; on Linux also binutils, which PyInstaller needs anyway).
Produces dist/relationjournal/ (a one-folder bundle; "dist/Relation Journal.app" on macOS) and, on
Linux, dist/relationjournal-VERSION-linux-ARCH.tar.xz with the bundle, the .desktop file, the icons and
an install script.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
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
# The size budget, in MB of 10^6 bytes: the unpacked bundle and the archive users download (issue 17).
LIMITS = {"bundle": 150.0, "archive": 60.0}

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
    sys.path.insert(0, str(ROOT / "packaging"))
    import icu  # packaging/icu.py, beside this script

    shutil.rmtree(BUNDLE, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--distpath", str(DIST),
         "--workpath", str(ROOT / "build" / "pyinstaller"), str(ROOT / "packaging" / "relationjournal.spec")],
        check=True, cwd=ROOT,
    )  # fmt: skip
    print(f"built {BUNDLE} in {time.perf_counter() - started:.0f} s; bundle size {size_mb(BUNDLE):.0f} MB")
    if sys.platform.startswith("linux"):
        before = size_mb(BUNDLE)
        strip_symbols(BUNDLE)
        print(f"stripped symbols: bundle size {size_mb(BUNDLE):.0f} MB (was {before:.0f} MB)")
        for library in (BUNDLE / "_internal" / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"):
            old, new = icu.slim(library)
            print(f"ICU data trimmed to what Qt reads: {old / 1e6:.0f} MB -> {new / 1e6:.0f} MB")
        archive = linux_archive()
        with tarfile.open(archive, "w:xz") as tar:  # 41 MB; gzip makes 54 of the same bundle
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


def strip_symbols(folder: Path) -> None:
    """Strip symbol tables and debug information from the Linux bundle's binaries that still carry them.

    libpython drops from 23 to 6 MB, sqlcipher3 from 21 to 8. Libraries a wheel vendors (a `*.libs/`
    folder) are left alone: auditwheel rewrote their headers with patchelf, and strip then leaves a
    library the loader refuses (NumPy's OpenBLAS did, when the bundle carried it: "ELF load command
    address/offset not page-aligned"); they ship stripped. PyInstaller's own strip=True would strip
    those too. Not on macOS (it breaks code signatures) nor on Windows (DLLs keep no symbols in the file).
    """
    for path in files(folder):
        if any(part.endswith(".libs") for part in path.relative_to(folder).parts):
            continue
        with path.open("rb") as binary:
            if binary.read(4) != b"\x7fELF":
                continue
        sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True).stdout
        if " .symtab " in sections or " .debug_info " in sections:
            subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)


def linux_archive() -> Path:
    sys.path.insert(0, str(ROOT))
    from relationjournal import __version__

    return DIST / f"relationjournal-{__version__}-linux-{platform.machine()}.tar.xz"


def files(folder: Path) -> list[Path]:
    """Every file once: PyInstaller links some libraries (libQt6Core.so.6 -> PySide6/Qt/lib/...), not counted twice."""
    return [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]


def size_mb(folder: Path) -> float:
    """What the bundle takes once unpacked (symbolic links count as links, as tar stores them)."""
    return sum(path.stat().st_size for path in files(folder)) / 1e6


def check_size(folder: Path, archive: Path | None, limits: dict[str, float] = LIMITS) -> str:
    """The sizes as one line; past a limit, SystemExit naming the ten largest files, the first places to trim."""
    sizes = {"bundle": size_mb(folder)}
    if archive is not None:
        sizes["archive"] = archive.stat().st_size / 1e6
    report = ", ".join(f"{what} {size:.1f} MB (limit {limits[what]:.0f})" for what, size in sizes.items())
    over = [what for what, size in sizes.items() if size > limits[what]]
    if over:
        largest = sorted(files(folder), key=lambda path: path.stat().st_size, reverse=True)[:10]
        parts = "\n".join(f"  {path.stat().st_size / 1e6:7.1f} MB  {path.relative_to(folder)}" for path in largest)
        raise SystemExit(f"the bundle is over its size budget: {report}\nits ten largest files:\n{parts}")
    return report


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
        # The Insights page's charts, saved as PNG and SVG (QtSvg and Qt's PNG writer in the bundle).
        print(run(RELATIONJOURNAL_BUNDLE_CHECK=temp).strip())
        png, svg = (home / "chart.png").read_bytes(), (home / "chart.svg").read_bytes()
        if png[:8] != b"\x89PNG\r\n\x1a\n" or b"<svg" not in svg:
            raise SystemExit("smoke test failed: the bundle check saved no chart")
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            run("gui", "--quit-after-paint", **fallback)
            timings.append(time.perf_counter() - started)
        print(f"start-up to first paint (gui --quit-after-paint, offscreen), median of 5: "
              f"{statistics.median(timings):.2f} s")  # fmt: skip
        if sys.platform.startswith("linux"):
            run("--install-desktop-entry")
            desktop = home / "data" / "applications" / "relationjournal.desktop"
            if shutil.which("desktop-file-validate"):
                subprocess.run(["desktop-file-validate", str(desktop)], check=True)
            print(f"desktop entry: {desktop}")
    if sys.platform.startswith("linux"):  # the budget is Linux's; elsewhere the size is reported only
        archive = linux_archive()
        print(f"size: {check_size(BUNDLE, archive if archive.exists() else None)}")
    else:
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
