"""Helpers for the PostgreSQL thread tests of every app."""

import threading

from django.db import connection, transaction


def run_while_open(hold, other, *, wait: float = 20):
    """Run `hold` in a thread inside a transaction kept open until `other` (run here, with a
    lock timeout, after `hold` finished its work) has committed. Returns whether `other`
    committed while `hold`'s transaction was still open, and the errors of both."""
    held, other_done = threading.Event(), threading.Event()
    errors, seen = [], {}

    def holder():
        try:
            with transaction.atomic():
                hold()
                held.set()
                seen["other_committed_first"] = other_done.wait(wait)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            held.set()
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(120)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '10s'")
            other()
        other_done.set()
    except Exception as exc:  # surfaced below
        errors.append(exc)
    finally:
        other_done.set()
        thread.join()
    return seen.get("other_committed_first", False), errors
