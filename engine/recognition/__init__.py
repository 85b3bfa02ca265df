"""Recognition: message bytes in, ``Recognition`` out. Pure: no IO beyond loading data files.

CONTRACT (implemented by the recognition issue):

    Recogniser.load(settings) -> Recogniser          # reads rules/networks/*.toml + config paths
        # raises NetworkFileErrors (a ConfigError) listing every broken network file
    Recogniser.is_candidate(headers: HeaderFields) -> bool
        # decided from headers alone; False for ordinary mail (fast path)
    Recogniser.recognise(raw: bytes) -> Recognition  # never raises on bad mail: sets .defect
"""

from introgate.recognition.model import Recognition, Requester, RequestKind, RequestNotification
from introgate.recognition.network_file import NetworkFileErrors
from introgate.recognition.recogniser import Recogniser

__all__ = [
    "NetworkFileErrors",
    "Recogniser",
    "Recognition",
    "RequestKind",
    "RequestNotification",
    "Requester",
]
