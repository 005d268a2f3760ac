"""
REST API (Django REST framework) for the electronic training file and unit reports.

Learners read their own file; unit administrators read their subtree's summaries and
files and add or revoke entries.  Every view enforces the scope: a request outside it
gets 403 (not an administrator at all) or 404 (the unit/learner/entry is not theirs),
never data.  Amounts are strings (exact decimals), never floats.
"""
