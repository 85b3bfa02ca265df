"""The review page (``introgate web``): cards, actions and live updates in a browser."""
