"""Management commands of the policy plugin."""
