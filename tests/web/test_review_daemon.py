"""The review page from the command line and from the daemon: where it may listen, the
address it prints, and ``[web] enabled = true`` in ``introgate run``."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Browser, expect

from bench.dovecot_server import free_port
from introgate.demo import write_demo

from .conftest import introgate


def demo_config(tmp_path: Path, web: str) -> Path:
    config = write_demo(tmp_path / "demo")
    with config.open("a", encoding="utf-8") as handle:
        handle.write("poll_interval = 5\n\n[web]\n" + web)  # the key joins [[accounts]]
    return config


def test_a_host_other_machines_reach_needs_tls_or_consent(tmp_path: Path) -> None:
    config = demo_config(tmp_path, 'host = "0.0.0.0"\n')
    result = introgate(config, "web")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "introgate: [web] host = '0.0.0.0' is reachable from other machines: set tls_cert "
        'and tls_key, or allow_insecure_remote = true, or use host = "127.0.0.1"'
    ]


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        config = demo_config(tmp_path, f"port = {port}\n")
        result = introgate(config, "web")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"introgate: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another [web] port or --port"
    ]


def test_the_url_of_a_page_never_started_is_a_clear_refusal(tmp_path: Path) -> None:
    config = demo_config(tmp_path, "")
    result = introgate(config, "web", "--url")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "introgate: no review page is running: start one with 'introgate web', "
        "or set [web] enabled = true for the daemon"
    ]


def test_the_daemon_serves_the_page_and_logs_no_token(browser: Browser, tmp_path: Path) -> None:
    port = free_port()
    config = demo_config(tmp_path, f"enabled = true\nport = {port}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "introgate", "run", "--config", str(config)],
        cwd=config.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "review page at" in line:
                break
        assert (
            lines[-1]
            .rstrip()
            .endswith(
                f"review page at http://127.0.0.1:{port}/ "
                "(its address with the access token: introgate web --url)"
            )
        )
        url = introgate(config, "web", "--url").stdout.strip()
        assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/\?token=[\w-]{{40,}}", url)
        token = url.split("token=", 1)[1]

        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        expect(page.locator("#g-asked article.card").first).to_be_visible(timeout=30_000)
        expect(page.locator("article.card .name", has_text="Anna Schäfer")).to_have_count(1)
        context.close()

        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(lines) + rest
    assert process.returncode == 0, output
    assert token not in output
    assert "no review page is running" in introgate(config, "web", "--url").stderr
