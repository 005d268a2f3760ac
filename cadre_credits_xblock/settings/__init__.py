"""Settings of the credit-hour block's Django app (see :mod:`.common`)."""
