"""
The in-transaction hook fired on every ledger change.

``ledger_entry_recorded`` is sent *inside* the database transaction that writes a
ledger row (a new entry or a reversal), so a receiver that writes its own rows (the
sync adapter's outbox) commits or rolls back together with the ledger.  Receivers get
``entry`` as a :class:`cadre_policy_plugin.data.LedgerEntryData` and must not do
network I/O: they run while the ledger row is still uncommitted.

Importing this module imports Django; the package itself does not.
"""
from django.dispatch import Signal

# Sent with: entry=LedgerEntryData
ledger_entry_recorded = Signal()

# Sent inside the transaction that corrects a learner's ID number or merges two accounts
# of one person, with: correction=IdentityCorrectionData (the sync adapter queues the
# registry transfer in the same transaction).
registry_identity_corrected = Signal()

# Sent after a learner's year status is recomputed (not necessarily changed), with:
# user_id=int, year=int, met=bool, previously_met=bool|None, policy_key=str
year_status_recomputed = Signal()
