"""
Answers that depend on a pack alone, remembered on the pack (``Pack.memo``).

A pack is read-only and the plugin keeps each built pack, so a year's window, which
academic year a day belongs to, or what a quantity converts to, is the same every time
it is asked; a year-end close asks the same few hundred such questions for each of a
province's learners (issue 14).  The memo is bounded: past ``LIMIT`` answers, new ones
are computed each time.  An answer that raises is never remembered.
"""

#: Most answers one pack remembers (each a few hundred bytes at most).
LIMIT = 100_000


def remember(pack, key, compute):
    """``compute()``, remembered on ``pack`` under ``key`` (a pack-like object without a memo: computed)."""
    memo = getattr(pack, "memo", None)
    if memo is None:
        return compute()
    found = memo.get(key)
    if found is None:
        found = compute()
        if len(memo) < LIMIT:
            memo[key] = found
    return found
