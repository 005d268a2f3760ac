"""Open edX event receivers (openedx-events)."""
