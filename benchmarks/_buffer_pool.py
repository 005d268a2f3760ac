"""
``raise BYTES``: make MariaDB's InnoDB buffer pool at least BYTES for this benchmark run
and print the size it had (for ``restore``); ``restore BYTES``: put that size back.

A province's database server holds its working set in memory; the server on a
development machine starts with 128 MiB, which would measure the disk, not the code
(the scale dataset is about 2 GB: the 4 M-row ledger and the statuses).  The resize is
online (``SET GLOBAL``) and is reported on stderr.
"""
import sys
import time

import pymysql


def _size(cur):
    cur.execute("SELECT @@innodb_buffer_pool_size")
    return int(cur.fetchone()[0])


def main(action, value):
    wanted = int(value)
    with pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True) as conn, \
            conn.cursor() as cur:
        before = _size(cur)
        if action == "raise" and before >= wanted:
            print(before)
            return 0
        if action == "restore" and before == wanted:
            return 0
        cur.execute(f"SET GLOBAL innodb_buffer_pool_size = {wanted}")
        deadline = time.monotonic() + 120
        while _size(cur) != wanted and time.monotonic() < deadline:
            time.sleep(0.5)
        print(f"innodb_buffer_pool_size: {before / 2**20:,.0f} MiB -> {_size(cur) / 2**20:,.0f} MiB "
              f"({'for this run' if action == 'raise' else 'restored'})", file=sys.stderr)
        if action == "raise":
            print(before)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
