"""
The reference registry on the sandbox's clock: ``python -m sandbox.registry serve ...``.

Signed requests carry a timestamp the registry checks against its own clock, so when the
sandbox (or a test host) runs on a pretend day (``SANDBOX_NOW``, see sandbox/clock.py)
the registry must run on the same day.  This starts the clock, then hands over to the
registry's own command line unchanged; without ``SANDBOX_NOW`` it is exactly
``python -m sync_adapter.reference_registry``.
"""
import sys

from sandbox.clock import start_from_environment


def main():
    start_from_environment()
    from sync_adapter.reference_registry.cli import main as registry_main

    return registry_main()


if __name__ == "__main__":
    sys.exit(main())
