"""A stand-in for Gmail's IMAP extensions in front of Dovecot, which has none of them.

Dovecot advertises X-GM-EXT-1 (``imap_capability``) and this proxy turns the two label
commands introgate sends into what Gmail would do with them, recording each one as sent:
``+X-GM-LABELS`` becomes a keyword (a label shows on the message), and
``-X-GM-LABELS (\\Inbox)`` becomes a MOVE to the \\All folder (the message leaves the
inbox and stays in All Mail). Everything else passes through byte for byte.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from dataclasses import dataclass, field

from introgate.backends.imap import keyword_for

_LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")
_STORE = re.compile(rb"^(\S+) UID STORE (\d+) ([+-])X-GM-LABELS(?:\.SILENT)? \((.*)\)\r\n$")
_QUOTED = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\\?[^\s"()]+)')


def _labels(text: bytes) -> list[str]:
    found = []
    for quoted, atom in _QUOTED.findall(text):
        raw = quoted if quoted else atom
        found.append(re.sub(rb"\\(.)", rb"\1", raw).decode() if quoted else raw.decode())
    return found


@dataclass
class GmailProxy:
    """Listens on 127.0.0.1:``port`` and forwards to Dovecot on ``upstream``."""

    upstream: int
    all_mail: str
    label_commands: list[str] = field(default_factory=list)
    port: int = 0
    _listener: socket.socket | None = None

    _thread: threading.Thread | None = None

    def start(self) -> GmailProxy:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake the accepting thread before closing: a thread still blocked in accept() on a
        closed descriptor would take connections meant for whatever reuses its number."""
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        if self._thread is not None:
            self._thread.join(5)

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()
            threading.Thread(target=self._commands, args=(client, server), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                sock.close()

    def _commands(self, client: socket.socket, server: socket.socket) -> None:
        reader = client.makefile("rb")
        try:
            while line := reader.readline():
                literal = _LITERAL.search(line)
                if literal:
                    server.sendall(line + reader.read(int(literal.group(1))))
                    continue
                server.sendall(self._as_gmail_would(line))
        except OSError:
            pass
        finally:
            server.close()

    def _as_gmail_would(self, line: bytes) -> bytes:
        store = _STORE.match(line)
        if store is None:
            return line
        self.label_commands.append(line.decode().strip().split(" ", 1)[1])
        tag, uid, sign, labels = store.groups()
        names = _labels(labels)
        if sign == b"-" and names == ["\\Inbox"]:
            return b'%s UID MOVE %s "%s"\r\n' % (tag, uid, self.all_mail.encode())
        keywords = " ".join(keyword_for(name) for name in names).encode()
        return b"%s UID STORE %s %sFLAGS.SILENT (%s)\r\n" % (tag, uid, sign, keywords)
