"""
``python -m sync_adapter.reference_registry serve --port 8765 [--error-rate 0.3 ...]``

Keys come from ``--keys-file`` (JSON ``{"key_id": "secret"}``), the environment
(``CADRE_REGISTRY_KEYS="id:secret,id2:secret2"``) or ``--dev-key`` (a fixed, public
development key: never for anything real).  Secrets are not taken on the command
line, where ``ps`` would show them.
"""
import argparse
import json
import logging
import os
import sys

from sync_adapter.reference_registry.app import RegistryApp
from sync_adapter.reference_registry.faults import FaultConfig, FaultInjector
from sync_adapter.reference_registry.server import RegistryServer
from sync_adapter.reference_registry.store import RecordStore

DEV_KEY_ID = "dev"
DEV_KEY_SECRET = "dev-secret-not-for-production"  # noqa: S105 - public by design


def parse_keys(text):
    """``"id:secret,id2:secret2"`` -> ``{"id": "secret", "id2": "secret2"}``."""
    keys = {}
    for part in filter(None, (item.strip() for item in (text or "").split(","))):
        key_id, _, secret = part.partition(":")
        if not key_id or not secret:
            raise ValueError("CADRE_REGISTRY_KEYS entries look like key_id:secret")
        keys[key_id] = secret
    return keys


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m sync_adapter.reference_registry",
                                     description="Reference registry for the cadre sync adapter.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the registry over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--db", default="reference-registry.sqlite3", help="SQLite file (':memory:' for none)")
    serve.add_argument("--keys-file", help='JSON file {"key_id": "secret", ...}')
    serve.add_argument("--dev-key", action="store_true",
                       help=f"accept the public development key {DEV_KEY_ID!r}/{DEV_KEY_SECRET!r}")
    serve.add_argument("--admin-token", default=os.environ.get("CADRE_REGISTRY_ADMIN_TOKEN", ""),
                       help="require X-Admin-Token on /admin/* (env CADRE_REGISTRY_ADMIN_TOKEN)")
    serve.add_argument("--reset", action="store_true", help="forget every stored record at start")
    faults = serve.add_argument_group("misbehaviour (rates are fractions of record requests)")
    faults.add_argument("--error-rate", type=float, default=0.0, help="5xx before storing")
    faults.add_argument("--error-status", type=int, default=503)
    faults.add_argument("--rate-limit-rate", type=float, default=0.0, help="429 with Retry-After")
    faults.add_argument("--retry-after", type=float, default=1.0, help="seconds in Retry-After")
    faults.add_argument("--drop-rate", type=float, default=0.0, help="hang up, nothing stored")
    faults.add_argument("--timeout-rate", type=float, default=0.0,
                        help="store, then answer after --timeout-seconds")
    faults.add_argument("--timeout-seconds", type=float, default=5.0)
    faults.add_argument("--lost-answer-rate", type=float, default=0.0,
                        help="store, then hang up (the client sends a duplicate)")
    faults.add_argument("--latency-ms", type=int, default=0)
    faults.add_argument("--seed", type=int, default=0)
    faults.add_argument("--strict-batches", action="store_true",
                        help="refuse a whole batch (422) when one record is invalid")
    return parser


def load_keys(args):
    keys = parse_keys(os.environ.get("CADRE_REGISTRY_KEYS", ""))
    if args.keys_file:
        with open(args.keys_file, encoding="utf-8") as handle:
            keys.update(json.load(handle))
    if args.dev_key:
        keys[DEV_KEY_ID] = DEV_KEY_SECRET
    return keys


def main(argv=None):
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    keys = load_keys(args)
    if not keys:
        print("No signing keys: set CADRE_REGISTRY_KEYS, --keys-file or --dev-key.", file=sys.stderr)
        return 2
    fault_config = FaultConfig.from_dict({
        "error_rate": args.error_rate, "error_status": args.error_status,
        "rate_limit_rate": args.rate_limit_rate, "retry_after": args.retry_after,
        "drop_rate": args.drop_rate, "timeout_rate": args.timeout_rate,
        "timeout_seconds": args.timeout_seconds, "lost_answer_rate": args.lost_answer_rate,
        "latency_ms": args.latency_ms, "seed": args.seed,
        "strict_batches": args.strict_batches,
    })
    store = RecordStore(args.db)
    if args.reset:
        store.reset()
    app = RegistryApp(keys, store, FaultInjector(fault_config), admin_token=args.admin_token)
    server = RegistryServer((args.host, args.port), app)
    print(f"Reference registry on {server.url} (db {args.db}, keys {sorted(keys)})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
