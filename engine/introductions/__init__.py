"""Late introductions: a message from someone whose contact request is still open.

``matching`` says which open request a message belongs to, and why (pure); ``records``
turns recognised requests and drafts into request records; the pass's introductions step
moves matched requests to "introduced" and expires the rest.
"""
