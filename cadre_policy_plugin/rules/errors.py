"""
Errors the engine raises for bad input and bad policy data.

Both carry the location of the problem (a JSON-path-like string) so the command line,
the REST API and the admin can point a person at the exact field to fix.
"""


class RulesError(Exception):
    """Base class: something a person must fix; never a bug in the engine."""

    def __init__(self, location, message):
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location
        self.message = message


class InputError(RulesError):
    """A learner's year (entries, rank, dates) is not well formed."""


class PackError(RulesError):
    """A policy pack or overlay is not valid; ``problems`` lists every (location, message)."""

    def __init__(self, location, message, problems=None):
        super().__init__(location, message)
        self.problems = list(problems or [(location, message)])
