"""Signing in and out, recovery, invitations being accepted, and a person's own account."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from server.accounts import services
from server.accounts.schemas import (
    Acceptance,
    AccountKeys,
    CurrentSession,
    InvitationPreview,
    KdfParams,
    KdfParamsRequest,
    Me,
    PasswordChange,
    PersonRef,
    ProfileUpdate,
    RecoveryChange,
    RecoveryFinish,
    RecoveryGrant,
    RecoveryParams,
    RecoveryStart,
    SessionRead,
    SessionStarted,
    SignIn,
    SignInRecord,
    TokenBody,
)
from server.accounts.sessions import (
    AuthUser,
    authenticate,
    cookie_name,
    end_session_by_token,
    expired_cookie,
    session_cookie,
    start_session,
)
from server.lib.requests import client_of
from server.lib.throttle import Limiter
from server.org import invitations, people
from server.ownership import ended
from server.settings import Settings

PUBLIC = {"exclude_from_auth": True}
NO_STORE = {"cache-control": "no-store"}
# Sign-out clears everything this origin stored in the browser, service worker included.
CLEAR_SITE_DATA = {"clear-site-data": '"cache", "cookies", "storage"', **NO_STORE}


async def signed_in(
    person_id: UUID, settings: Settings, request: Request, status: int = 200
) -> Response[SessionStarted]:
    """Start a session for the person and answer with who they are and their keys.
    A session this browser already had ends: one browser, one session."""
    client = client_of(request)
    previous = request.cookies.get(cookie_name(settings.accounts))
    if previous:
        await end_session_by_token(previous)
    token, csrf = await start_session(person_id, settings.accounts, client.device)
    body = SessionStarted(
        me=await services.me(person_id),
        csrf_token=csrf,
        keys=await services.wrapped_keys(person_id),
    )
    return Response(
        body,
        status_code=status,
        cookies=[session_cookie(settings.accounts, token)],
        headers=NO_STORE,
    )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/params", opt=PUBLIC, status_code=200, response_headers=NO_STORE)
    async def params(self, data: JSONBody[KdfParamsRequest]) -> KdfParams:
        """Salt and iterations to derive keys from a password (decoys for unknown emails)."""
        return await services.kdf_params(data.email)

    @post("/sign-in", opt=PUBLIC, status_code=200)
    async def sign_in(
        self,
        data: JSONBody[SignIn],
        request: Request,
        state: State,
        limiter: NamedDependency[Limiter],
    ) -> Response[SessionStarted]:
        """Sign in with the authentication key derived from the password."""
        person_id = await services.sign_in(data.email, data.auth_key, client_of(request), limiter)
        return await signed_in(person_id, state.settings, request)

    @post("/sign-out", status_code=204)
    async def sign_out(self, request: Request, state: State) -> Response[None]:
        """End this session; the browser is told to clear everything Tend stored."""
        await services.sign_out(request.user, client_of(request))
        return Response(
            None,
            status_code=204,
            cookies=[expired_cookie(state.settings.accounts)],
            headers=CLEAR_SITE_DATA,
        )

    @post("/recovery/params", opt=PUBLIC, status_code=200, response_headers=NO_STORE)
    async def recovery_params(self, data: JSONBody[KdfParamsRequest]) -> RecoveryParams:
        """The salt to derive keys from a recovery code (a decoy for unknown emails)."""
        return await services.recovery_params(data.email)

    @post("/recovery", opt=PUBLIC, status_code=200, response_headers=NO_STORE)
    async def recovery(
        self, data: JSONBody[RecoveryStart], request: Request, limiter: NamedDependency[Limiter]
    ) -> RecoveryGrant:
        """Check the recovery code's key; hand back the data key wrapped by the code."""
        return await services.start_recovery(data.email, data.auth_key, client_of(request), limiter)

    @post("/recovery/complete", opt=PUBLIC, status_code=200)
    async def recovery_complete(
        self, data: JSONBody[RecoveryFinish], request: Request, state: State
    ) -> Response[SessionStarted]:
        """Set a new password; every earlier session ends, and this device signs in."""
        person_id = await services.finish_recovery(
            data.recovery_token, data.password, client_of(request)
        )
        return await signed_in(person_id, state.settings, request)


class SessionController(Controller):
    path = "/session"
    tags = ["auth"]

    @get("/", opt=PUBLIC, response_headers=NO_STORE)
    async def current(self, request: Request, state: State) -> CurrentSession:
        """Who is signed in (``me`` is null for nobody), and the token that state-changing
        requests must carry. Always 200, so a signed-out app start logs no error."""
        settings: Settings = state.settings
        token = request.cookies.get(cookie_name(settings.accounts))
        user = await authenticate(token, settings.accounts) if token else None
        if user is None:
            # A device of a deleted account learns so, and wipes itself.
            gone = await ended.reason_for(token) if token else None
            return CurrentSession(me=None, csrf_token=None, ended=gone)
        return CurrentSession(me=await services.me(user.id), csrf_token=user.csrf_token)


class AccountController(Controller):
    path = "/account"
    tags = ["account"]

    @get("/", response_headers=NO_STORE)
    async def me(self, request: Request) -> Me:
        return await services.me(request.user.id)

    @patch("/")
    async def update(self, data: JSONBody[ProfileUpdate], request: Request) -> Me:
        await services.update_profile(request.user.id, data.display_name)
        return await services.me(request.user.id)

    @get("/keys", response_headers=NO_STORE)
    async def keys(self, request: Request) -> AccountKeys:
        """The wrapped data key, its salt and iterations: what unlocking needs; and the
        copy wrapped by the recovery code with its salt, which encrypted backups carry so
        that they open with the code too. All of it is ciphertext or salt, and only the
        signed-in person gets it, so handing it out reveals nothing the password or the
        code do not already guard."""
        return await services.account_keys(request.user.id)

    @put("/password", status_code=204)
    async def change_password(
        self, data: JSONBody[PasswordChange], request: Request, limiter: NamedDependency[Limiter]
    ) -> None:
        """Re-wrapped keys for a new password. The old one stops working; other sessions end."""
        user: AuthUser = request.user
        await services.change_password(user.id, user.session_id, data, client_of(request), limiter)

    @put("/recovery", status_code=204)
    async def change_recovery(
        self, data: JSONBody[RecoveryChange], request: Request, limiter: NamedDependency[Limiter]
    ) -> None:
        """A new recovery code's keys; the old code stops working."""
        await services.change_recovery(request.user.id, data, client_of(request), limiter)

    @get("/sessions", response_headers=NO_STORE)
    async def sessions(self, request: Request) -> list[SessionRead]:
        user: AuthUser = request.user
        return await services.list_sessions(user.id, user.session_id)

    @delete("/sessions/{session_id:uuid}", status_code=204)
    async def end_session(self, request: Request, session_id: FromPath[UUID]) -> None:
        await services.end_session(request.user.id, session_id, client_of(request))

    @get("/sign-ins", response_headers=NO_STORE)
    async def sign_ins(self, request: Request) -> list[SignInRecord]:
        """This person's own recent sign-ins and failed attempts."""
        return await services.sign_in_history(request.user.id)

    @get("/supervisors", response_headers=NO_STORE)
    async def supervisors(self, request: Request) -> list[PersonRef]:
        """Who supervises this person: always visible to them."""
        return await people.my_supervisors(request.user.id)


class InvitationController(Controller):
    path = "/invitations"
    tags = ["invitations"]

    @post("/preview", opt=PUBLIC, status_code=200, response_headers=NO_STORE)
    async def preview(
        self, data: JSONBody[TokenBody], request: Request, limiter: NamedDependency[Limiter]
    ) -> InvitationPreview:
        """What an invitation is for, or why it can no longer be used."""
        return await invitations.preview_invitation(data.token, client_of(request), limiter)

    @post("/accept", opt=PUBLIC, status_code=201)
    async def accept(
        self,
        data: JSONBody[Acceptance],
        request: Request,
        state: State,
        limiter: NamedDependency[Limiter],
    ) -> Response[SessionStarted]:
        """Create the account and sign in on this device."""
        person_id = await invitations.accept_invitation(data, client_of(request), limiter)
        return await signed_in(person_id, state.settings, request, status=201)
