"""The review page's routes: the page, its live parts and one POST per card action.

Every route but the static files needs the session cookie; every POST also needs the
session's CSRF token (403 otherwise). Actions are the engine's (``Screening``): a refused
action answers 409 with the one line the CLI would print.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from introgate.config import Settings
from introgate.errors import IntrogateError
from introgate.introductions.screening import Screening
from introgate.state import RequestRecord
from introgate.web.access import CSRF_HEADER, SESSION_COOKIE, Access
from introgate.web.cards import screen
from introgate.web.desk import Desk, DeskThread
from introgate.web.render import STATIC_DIR, PageRenderer

log = logging.getLogger("introgate.web")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_REQUEST_ID = re.compile(r"[0-9a-f]{8,64}")
MAX_BODY = 100_000
NO_SESSION = (
    "Open the address 'introgate web' printed (it carries the access token), "
    "or print it again with 'introgate web --url'."
)

Act = Callable[[Screening, RequestRecord, dict[str, Any]], str]
ACTIONS: dict[str, Act] = {
    "copy": lambda s, r, _: s.mark_sent(r),
    "send": lambda s, r, _: s.send(r),
    "know": lambda s, r, _: s.know(r),
    "ignore": lambda s, r, _: s.ignore(r),
    "undo": lambda s, r, _: s.undo(r),
    "edit": lambda s, r, body: s.edit(r, str(body.get("question", ""))),
}


class SecurityHeaders:
    """The CSP and friends on every response, refusals and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                for name, value in _SECURITY_HEADERS.items():
                    headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    settings: Settings, access: Access, *, secure_cookie: bool = False, loopback: bool = True
) -> Starlette:
    renderer = PageRenderer()
    desk: DeskThread | None = None

    def running_desk() -> DeskThread:
        assert desk is not None, "the app is not started"
        return desk

    def page_parts(work: Desk) -> tuple[Any, int]:
        return screen(work.store, work.networks.label), work.store.requests.changes()

    def refused(reason: str) -> HTMLResponse:
        return HTMLResponse(renderer.refused(reason), status_code=403)

    async def index(request: Request) -> Response:
        token = request.query_params.get("token")
        if token is not None:
            session = access.open_session(token)
            if session is None:
                return refused("This access token is not (or no longer) valid. " + NO_SESSION)
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(
                SESSION_COOKIE,
                session,
                httponly=True,
                samesite="strict",
                secure=secure_cookie,
                path="/",
            )
            return response
        csrf = access.csrf(request.cookies.get(SESSION_COOKIE))
        if csrf is None:
            return refused(NO_SESSION)
        groups, version = await running_desk().run(page_parts)
        return HTMLResponse(renderer.page(groups, csrf, version))

    async def groups_fragment(request: Request) -> Response:
        if access.csrf(request.cookies.get(SESSION_COOKIE)) is None:
            return refused(NO_SESSION)
        groups, version = await running_desk().run(page_parts)
        response = HTMLResponse(renderer.groups(groups))
        response.headers["X-Introgate-Version"] = str(version)
        return response

    async def version(request: Request) -> Response:
        if access.csrf(request.cookies.get(SESSION_COOKIE)) is None:
            return JSONResponse({"error": NO_SESSION}, status_code=403)
        changes = await running_desk().run(lambda work: work.store.requests.changes())
        return JSONResponse({"version": changes})

    async def question(request: Request) -> Response:
        if access.csrf(request.cookies.get(SESSION_COOKIE)) is None:
            return JSONResponse({"error": NO_SESSION}, status_code=403)
        request_id = request.path_params["request_id"]

        def read(work: Desk) -> dict[str, Any]:
            record = work.request(request_id)
            found = work.screening(record.account).question(record)
            if found is None:
                return {"question": None, "recipients": []}
            return {"question": found.text, "recipients": list(found.recipients)}

        return await _answer(running_desk(), read, request_id)

    async def act(request: Request) -> Response:
        if not access.allows_change(
            request.cookies.get(SESSION_COOKIE), request.headers.get(CSRF_HEADER)
        ):
            return JSONResponse(
                {"error": "refused: no session or no CSRF token (reload the page)"},
                status_code=403,
            )
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            return JSONResponse({"error": "no such action"}, status_code=404)
        body: dict[str, Any] = {}
        raw = await request.body()
        if len(raw) > MAX_BODY:
            return JSONResponse({"error": "the text is too long"}, status_code=413)
        if raw:
            try:
                parsed = _json(raw)
            except ValueError:
                return JSONResponse({"error": "the request is not JSON"}, status_code=400)
            body = parsed if isinstance(parsed, dict) else {}
        request_id = request.path_params["request_id"]

        def run(work: Desk) -> dict[str, Any]:
            record = work.request(request_id)
            return {"message": action(work.screening(record.account), record, body)}

        return await _answer(running_desk(), run, request_id)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        nonlocal desk
        desk = DeskThread(settings)
        try:
            yield
        finally:
            desk.close()
            desk = None

    hosts = ["127.0.0.1", "localhost", "::1", "[::1]"] if loopback else ["*"]
    routes = [
        Route("/", index),
        Route("/groups", groups_fragment),
        Route("/version", version),
        Route("/requests/{request_id}/question", question),
        Route("/requests/{request_id}/{action}", act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
            # a thousand cards are ~450 KB of HTML and ~17 KB compressed
            Middleware(GZipMiddleware, minimum_size=2000),
        ],
    )


async def _answer(
    desk: DeskThread, work: Callable[[Desk], dict[str, Any]], request_id: str
) -> Response:
    """Run ``work``; a refusal is the engine's one line, a failure drops the connection."""
    if not _REQUEST_ID.fullmatch(request_id):
        return JSONResponse({"error": "not a request id"}, status_code=404)
    try:
        result = await desk.run(work)
    except IntrogateError as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    except Exception as exc:
        log.exception("review page: request %s failed", request_id[:10])

        def reconnect(done: Desk) -> None:
            record = done.store.requests.get(request_id)
            if record is not None:
                done.drop_connection(record.account)

        await desk.run(reconnect)
        return JSONResponse({"error": f"failed: {type(exc).__name__}"}, status_code=500)
    changes = await desk.run(lambda done: done.store.requests.changes())
    return JSONResponse(result | {"version": changes})


def _json(raw: bytes) -> Any:
    import json

    return json.loads(raw.decode("utf-8"))
