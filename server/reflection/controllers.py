"""The reflection questionnaire, for the PWA to show and score on the device."""

from __future__ import annotations

from litestar import Controller
from litestar.datastructures import State

from server.lib.routes import get
from server.reflection.instrument import Instrument


class ReflectionController(Controller):
    """Anyone signed in may read the questionnaire: it holds no one's answers."""

    path = "/reflection"
    tags = ["reflection"]

    @get("/instrument", status_code=200)
    async def instrument(self, state: State) -> Instrument:
        """The questionnaire in use (Tend's own unless the operator set another)."""
        return state.instrument
