"""
The learner's own account pages (``/cadre/account/``, namespace ``cadre_policy:account``):
changing the initial password and self-registration (ADR 0016).
"""
