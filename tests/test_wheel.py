"""An installed wheel works outside the checkout: shipped rules and templates travel with it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with only the built wheel; dependencies come from the test venv."""
    base = tmp_path_factory.mktemp("wheel")
    # setuptools builds inside the source folder (build/, *.egg-info): each test worker
    # builds from its own copy, or two workers building at once break each other's build
    source = base / "source"
    for part in ("engine", "rules", "templates"):
        shutil.copytree(REPO / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / part, source / part)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(base / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = (base / "dist").glob("introgate-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies, but not the checkout: a plain path line does not run the editable hook
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return env_dir


def introgate(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(env_dir / "bin" / "introgate"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )


def test_wheel_demo_runs_outside_checkout_and_reruns_without_new_drafts(
    installed: Path, tmp_path: Path
) -> None:
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import introgate; print(introgate.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(installed) in where and str(REPO) not in where
    first = introgate(installed, "demo", "try", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    drafts = sorted((tmp_path / "try" / "Maildir" / ".Drafts" / "cur").iterdir())
    assert drafts and all(":2,D" in d.name for d in drafts)
    second = introgate(installed, "demo", "try", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert sorted((tmp_path / "try" / "Maildir" / ".Drafts" / "cur").iterdir()) == drafts


def test_wheel_help_lists_commands(installed: Path, tmp_path: Path) -> None:
    result = introgate(installed, "--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "run", "check", "explain", "drafts"):
        assert command in result.stdout


def test_every_engine_folder_is_packaged_as_introgate() -> None:
    """pyproject lists packages by hand (engine/ is renamed on install): list new folders."""
    import tomllib

    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {
        "introgate" + "".join(f".{part}" for part in init.parent.relative_to(REPO / "engine").parts)
        for init in (REPO / "engine").rglob("*.py")
        if "__pycache__" not in init.parts
    }
    assert folders <= listed


def test_wheel_carries_the_review_pages_templates_and_static_files(
    installed: Path, tmp_path: Path
) -> None:
    script = (
        "from introgate.web.render import STATIC_DIR, PageRenderer\n"
        "print(PageRenderer().refused('<b>no</b>'))\n"
        "print(sorted(p.name for p in STATIC_DIR.iterdir()))\n"
    )
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "&lt;b&gt;no&lt;/b&gt;" in result.stdout
    assert "['review.css', 'review.js']" in result.stdout
