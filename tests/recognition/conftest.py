"""Shared fixtures for recognition tests: one recogniser trusting the corpus's mail server."""

from __future__ import annotations

import pytest

from introgate.config import Settings, Trust
from introgate.recognition import Recogniser
from tests.recognition.corpus import TRUSTED_AUTHSERV


@pytest.fixture(scope="session")
def recogniser() -> Recogniser:
    return Recogniser.load(Settings(trust=Trust(authserv_ids=[TRUSTED_AUTHSERV])))
