"""Several servers at once, in tests: jobs in threads, each with its own database connection."""

import threading

from django.db import connections


def at_once(*jobs):
    """Run each job in its own thread (its own database connection), started together; the
    results in order. Fails the test with every job that raised."""
    start, errors, results = threading.Barrier(len(jobs)), [], [None] * len(jobs)

    def run(index, job):
        start.wait()
        try:
            results[index] = job()
        except BaseException as error:  # reported below, with the job that raised it
            errors.append((index, repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
