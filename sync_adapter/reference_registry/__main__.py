"""Run the reference registry: ``python -m sync_adapter.reference_registry serve``."""
import sys

from sync_adapter.reference_registry.cli import main

sys.exit(main())
