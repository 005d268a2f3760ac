"""
``python -m tests.sync.produce --count N`` -- write ledger changes the way the plugin
does (``ledger_entry_recorded`` sent inside each transaction), for the integration
tests and the benchmark.  Prints a JSON summary (entries, reversals, keys file).

Reversals (negated hours, ``reverses`` set) are written well after the entry they
cancel, so they may be claimed while that entry is still in flight: the adapter must
hold them back.
"""
import argparse
import json
import os
import random

import django


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True, help="ledger changes in all")
    parser.add_argument("--reversals", type=int, default=0, help="how many of them are reversals")
    parser.add_argument("--users", type=int, default=400)
    parser.add_argument("--first-user", type=int, default=1000)
    parser.add_argument("--per-transaction", type=int, default=50)
    parser.add_argument("--special-user", type=int, action="append", default=[],
                        help="also give this user entries (spread through the run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keys-out", help="write the idempotency keys here")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sync.worker_settings")
    django.setup()
    from django.db import transaction  # pylint: disable=import-outside-toplevel

    from sync_adapter.outbox import idempotency_key  # pylint: disable=import-outside-toplevel
    from tests.sync import fakes  # pylint: disable=import-outside-toplevel

    rng = random.Random(args.seed)
    entries, changes = [], []
    reversal_at = set(rng.sample(range(args.count // 4, args.count), args.reversals)) if args.reversals else set()
    special_at = {int(args.count * (i + 0.5) / max(1, len(args.special_user))): user
                  for i, user in enumerate(args.special_user)}
    reversed_ = set()
    for position in range(args.count):
        if position in reversal_at:
            candidates = [e for e in entries[-2000:] if e.uuid not in reversed_]
            target = rng.choice(candidates)
            reversed_.add(target.uuid)
            changes.append(fakes.reversal_of(target))
            continue
        user = special_at.get(position, args.first_user + rng.randrange(args.users))
        entry = fakes.make_entry(user, hours=str(rng.choice(["0.5", "1", "1.5", "2", "2.5", "3"])))
        entries.append(entry)
        changes.append(entry)
    from cadre_policy_plugin.data import LedgerEntryData  # pylint: disable=import-outside-toplevel
    from cadre_policy_plugin.signals import ledger_entry_recorded  # pylint: disable=import-outside-toplevel

    for start in range(0, len(changes), args.per_transaction):
        with transaction.atomic():
            for change in changes[start:start + args.per_transaction]:
                ledger_entry_recorded.send(sender=LedgerEntryData, entry=change)
    if args.keys_out:
        with open(args.keys_out, "w", encoding="utf-8") as handle:
            json.dump([idempotency_key(change.uuid) for change in changes], handle)
    print(json.dumps({"changes": len(changes), "reversals": len(reversal_at)}))


if __name__ == "__main__":
    main()
