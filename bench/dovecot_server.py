"""A throwaway Dovecot for benchmarks and tests: 127.0.0.1, a free port, temp dirs.

It lives in bench/ because the benchmarks must not import tests/; tests/imap/dovecot.py
re-exports it. It carries no pytest and no introgate dependency. Started
as root, Dovecot's login processes refuse root, so mail belongs to the ``dovecot`` user
and every parent folder is made traversable (a ``mktemp -d`` folder is 0700 and logins
then fail with "Temporary authentication failure").
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

USER = "introgate"
PASSWORD = "s3cret-test-pass"  # noqa: S105 (a throwaway server on 127.0.0.1)
SPECIAL_FOLDERS = {
    "Drafts": "\\Drafts",
    "Archive": "\\Archive",
    "Sent": "\\Sent",
    "Trash": "\\Trash",
}


def dovecot_installed() -> bool:
    return shutil.which("dovecot") is not None and shutil.which("doveadm") is not None


def dovecot_version() -> tuple[int, int]:
    out = subprocess.run(["dovecot", "--version"], capture_output=True, text=True, check=True)
    match = re.match(r"(\d+)\.(\d+)", out.stdout.strip())
    if match is None:
        raise RuntimeError(f"cannot read the Dovecot version from {out.stdout!r}")
    return int(match.group(1)), int(match.group(2))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_OWN_BASE_PREFIX = "dovecot-base-"


def _outside_private_folders(wanted: Path) -> Path:
    """A folder for the server's files that Dovecot's users can reach for the whole test.

    pytest makes its temporary root 0700 again whenever any pytest session starts, so a
    server living below it loses access mid-test when other test runs share the machine
    ("Temporary authentication failure"). The files live in /tmp instead; ``wanted``
    becomes a link to them, so a failed test's files are still found beside it.
    """
    real = Path(tempfile.mkdtemp(prefix=_OWN_BASE_PREFIX, dir="/tmp"))
    _make_traversable(real)
    wanted.parent.mkdir(parents=True, exist_ok=True)
    if not wanted.exists() and not wanted.is_symlink():
        wanted.symlink_to(real, target_is_directory=True)
    return real


def _make_traversable(path: Path) -> None:
    """Open every parent up to / for search (x) so dovecot/dovenull can reach the files."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if mode & 0o005 != 0o005:
            parent.chmod(mode | 0o755)


def _config_23(base: Path, port: int, folders: dict[str, str]) -> str:
    specials = "\n".join(
        f'  mailbox "{name}" {{\n    special_use = {use}\n    auto = subscribe\n  }}'
        for name, use in folders.items()
    )
    return f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/log/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{base}/mail/%u
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
mail_fsync = never
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service imap {{
  process_limit = 64
}}
namespace inbox {{
  inbox = yes
  separator = /
{specials}
}}
"""


def _config_24(base: Path, port: int, folders: dict[str, str]) -> str:
    specials = "\n".join(
        f'  mailbox "{name}" {{\n    special_use = {use}\n    auto = subscribe\n  }}'
        for name, use in folders.items()
    )
    return f"""\
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/log/dovecot.log
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
mail_driver = maildir
mail_path = {base}/mail/%{{user}}
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
mail_fsync = never
auth_failure_delay = 0
passdb passwd-file {{
  passwd_file_path = {base}/passwd
  default_password_scheme = PLAIN
}}
userdb static {{
  fields {{
    uid = dovecot
    gid = dovecot
    home = {base}/home/%{{user}}
  }}
}}
service imap-login {{
  inet_listener imap {{
    listen = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
{specials}
}}
"""


def _with_oauth2(text: str, base: Path, introspection_url: str, version: tuple[int, int]) -> str:
    """Add Dovecot's oauth2 passdb (2.3 syntax), validating tokens at ``introspection_url``."""
    if version >= (2, 4):
        raise RuntimeError("the oauth2 test set-up is written for Dovecot 2.3")
    (base / "dovecot-oauth2.conf.ext").write_text(
        f"introspection_mode = post\n"
        f"introspection_url = {introspection_url}\n"
        "force_introspection = yes\n"
        "username_attribute = username\n"
        "active_attribute = active\n"
        "active_value = true\n"
    )
    text = text.replace(
        "auth_mechanisms = plain login\n", "auth_mechanisms = plain login xoauth2 oauthbearer\n"
    )
    # refusing an expired token is part of these tests: no growing penalty for each refusal
    text += "service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n"
    return text.replace(
        "passdb {\n  driver = passwd-file\n",
        "passdb {\n"
        "  driver = oauth2\n"
        "  mechanisms = xoauth2 oauthbearer\n"
        f"  args = {base}/dovecot-oauth2.conf.ext\n"
        "}\n"
        "passdb {\n  driver = passwd-file\n  mechanisms = plain login\n",
    )


def _tls_settings(base: Path, version: tuple[int, int]) -> str:
    """Make a self-signed certificate for 127.0.0.1 and the settings that serve it."""
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(base / "key.pem"), "-out", str(base / "cert.pem"),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    if version >= (2, 4):
        return (
            f"ssl = yes\nssl_server_cert_file = {base}/cert.pem\n"
            f"ssl_server_key_file = {base}/key.pem\n"
        )
    return f"ssl = yes\nssl_cert = <{base}/cert.pem\nssl_key = <{base}/key.pem\n"


@dataclass
class Dovecot:
    """One running server; ``maildir`` is the user's Maildir (INBOX at its top)."""

    base: Path
    port: int
    user: str = USER
    password: str = PASSWORD
    tls_port: int | None = None
    # sockets live here: a Unix socket path must stay under 108 bytes, which pytest-xdist's
    # temporary folders (popen-gw0/test_<long name>0/...) exceed
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dc", dir="/tmp")))
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def certificate(self) -> Path:
        return self.base / "cert.pem"

    @property
    def config(self) -> Path:
        return self.base / "dovecot.conf"

    @property
    def maildir(self) -> Path:
        return self.base / "mail" / self.user

    @property
    def log(self) -> Path:
        return self.base / "log" / "dovecot.log"

    @classmethod
    def create(
        cls,
        base: Path,
        *,
        capabilities: str | None = None,
        tls: bool = False,
        oauth2_introspection_url: str | None = None,
        special_folders: dict[str, str] | None = None,
    ) -> Dovecot:
        """A server in ``base``; ``capabilities`` replaces what it advertises after login.

        ``tls``: a self-signed certificate (``base/cert.pem``), STARTTLS on ``port`` and
        implicit TLS on ``tls_port``. ``oauth2_introspection_url``: XOAUTH2 and OAUTHBEARER
        logins too, each token checked by POSTing it there (RFC 7662 introspection).
        ``special_folders``: folder name -> SPECIAL-USE flag, instead of ``SPECIAL_FOLDERS``.
        """
        base = _outside_private_folders(base)
        server = cls(base=base, port=free_port())
        for sub in ("state", "log", "mail", "home"):
            (base / sub).mkdir(exist_ok=True)
        server.run_dir.chmod(0o755)
        (base / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}\n")
        major_minor = dovecot_version()
        render = _config_24 if major_minor >= (2, 4) else _config_23
        text = render(
            base, server.port, SPECIAL_FOLDERS if special_folders is None else special_folders
        ).replace(f"base_dir = {base}/run", f"base_dir = {server.run_dir}")
        if tls:
            server.tls_port = free_port()
            text = text.replace("ssl = no\n", _tls_settings(base, major_minor))
            text = text.replace(
                "inet_listener imaps {\n    port = 0",
                f"inet_listener imaps {{\n    port = {server.tls_port}",
            )
        if oauth2_introspection_url is not None:
            text = _with_oauth2(text, base, oauth2_introspection_url, major_minor)
        if capabilities is not None:
            text += f"imap_capability = {capabilities}\n"
        server.config.write_text(text)
        for sub in ("cur", "new", "tmp"):
            (server.maildir / sub).mkdir(parents=True, exist_ok=True)
        (base / "home" / server.user).mkdir(parents=True, exist_ok=True)
        server.chown_mail()
        return server

    def chown_mail(self) -> None:
        """Give the mail to the ``dovecot`` user (after writing files into the Maildir)."""
        entry = pwd.getpwnam("dovecot")
        for root in (self.base / "mail", self.base / "home"):
            for dirpath, _dirs, files in os.walk(root):
                os.chown(dirpath, entry.pw_uid, entry.pw_gid)
                for name in files:
                    os.chown(Path(dirpath) / name, entry.pw_uid, entry.pw_gid)

    # -- lifecycle --------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        # foreground (-F) as our child, so stop() can reap it: a daemonised master left
        # as a zombie would make the next start say "already running"
        out = (self.base / "log" / "start.out").open("ab")
        self._process = subprocess.Popen(
            ["dovecot", "-F", "-c", str(self.config)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"Dovecot did not start on port {self.port}; see {self.log}")

    def master_pid(self) -> int | None:
        try:
            return int((self.run_dir / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 10.0) -> None:
        """Kill the whole process group, as a crash or power cut would.

        A graceful SIGTERM costs Dovecot's master 1-3 s per stop; the mail on disk is the
        same either way, and tests that restart the server want the harsher case anyway.
        """
        process = self._process
        if process is None:
            return
        self._process = None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)
        (self.run_dir / "master.pid").unlink(missing_ok=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.02)
            except OSError:
                return

    def dispose(self) -> None:
        """Stop for good and remove the socket folder and the server's own folder."""
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self.base.name.startswith(_OWN_BASE_PREFIX):
            shutil.rmtree(self.base, ignore_errors=True)

    def restart(self) -> None:
        self.stop()
        self.start()

    # -- administration ---------------------------------------------------------

    def doveadm(self, *args: str) -> str:
        out = subprocess.run(
            ["doveadm", "-c", str(self.config), *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def kick(self) -> None:
        """Drop every IMAP connection of the user (the server keeps running)."""
        self.doveadm("kick", self.user)

    def set_uidvalidity(self, folder: str, value: int) -> None:
        self.doveadm("mailbox", "update", "-u", self.user, "--uid-validity", str(value), folder)

    # -- mail -------------------------------------------------------------------

    def folder_dir(self, folder: str) -> Path:
        if folder.upper() == "INBOX":
            return self.maildir
        return self.maildir / ("." + folder.replace("/", "."))

    def deliver(
        self, raw: bytes, folder: str = "INBOX", flags: str = "", chown: bool = True
    ) -> Path:
        """Write one message straight into the Maildir (Dovecot indexes it on next SELECT)."""
        target = self.folder_dir(folder)
        for sub in ("cur", "new", "tmp"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        name = f"{time.time():.6f}.{uuid.uuid4().hex}.introgate-test"
        path = target / "cur" / f"{name}:2,{flags}" if flags else target / "new" / name
        tmp = target / "tmp" / name
        tmp.write_bytes(raw)
        tmp.rename(path)
        if chown:
            entry = pwd.getpwnam("dovecot")
            os.chown(path, entry.pw_uid, entry.pw_gid)
            os.chown(target, entry.pw_uid, entry.pw_gid)
            for sub in ("cur", "new", "tmp"):
                os.chown(target / sub, entry.pw_uid, entry.pw_gid)
        return path
