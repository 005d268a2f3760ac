"""Deployment glue (the Tutor plugin); imported only by Tutor, never by the apps."""
