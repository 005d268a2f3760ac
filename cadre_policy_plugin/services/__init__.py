"""
The plugin's behaviour behind ``api.py``, one concept per module.

Other apps never import from here: ``cadre_policy_plugin.api`` is the door and re-exports
what they may call.  Views, handlers, the admin and management commands may use these
modules directly.
"""
