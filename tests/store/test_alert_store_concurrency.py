"""Two writers at once on the alert tables, on SQLite and PostgreSQL: the database decides every race.

Each test opens two transactions that overlap for real: the first writes and stays open while a second thread
writes the same thing; the second must wait (PostgreSQL: for the unique key or the row; SQLite: for the write lock)
and, once the first commits, find the work done. Then several threads race with no ordering at all.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from kpilot.store import StoreConflict
from kpilot.store.alerts import AlertStore, NewDelivery
from kpilot.store.session import Store
from tests.store.store_support import query
from tests.store.test_alert_store import SCOPE_KEY, at, channels, count, firing, notice, opened

__all__ = ["opened"]  # the fixture, shared with test_alert_store
T = TypeVar("T")
WAIT = 0.5  # seconds a second writer is given to show that it waits for the first


def in_thread(work: Callable[[], T]) -> tuple[threading.Thread, list[T | BaseException]]:
    """`work` started in a thread; its result (or error) lands in the list."""
    results: list[T | BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as error:  # handed back to the test, which asserts on it
            results.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results


def race(work: Callable[[], T], times: int) -> list[T | BaseException]:
    """`work` run by `times` threads released together."""
    start = threading.Barrier(times)
    results: list[T | BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            outcome: T | BaseException = work()
        except BaseException as error:  # handed back to the test, which asserts on it
            outcome = error
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_a_second_enqueue_of_a_key_waits_then_writes_nothing(opened: Store, root: Path, store: str) -> None:
    email, slack = channels(opened)
    deliveries = [NewDelivery("anna@acme.example", email, at(2)), NewDelivery("Marketing", slack, at(2))]

    def enqueue() -> bool:
        with opened.writing() as session:
            return AlertStore(session).enqueue(notice(), deliveries)

    with opened.writing() as session:
        assert AlertStore(session).enqueue(notice(), deliveries) is True
        thread, results = in_thread(enqueue)
        thread.join(WAIT)
        assert thread.is_alive()  # it waits for this transaction
    thread.join(30)
    assert results == [False]
    assert (count(root, store, "alert_outbox"), count(root, store, "alert_deliveries")) == (1, 2)


def test_many_enqueues_of_one_key_at_once_write_it_once(opened: Store, root: Path, store: str) -> None:
    email, _ = channels(opened)

    def enqueue() -> bool:
        with opened.writing() as session:
            return AlertStore(session).enqueue(notice(), [NewDelivery("anna@acme.example", email, at(2))])

    assert Counter(race(enqueue, 4)) == Counter({True: 1, False: 3})
    assert (count(root, store, "alert_outbox"), count(root, store, "alert_deliveries")) == (1, 1)


def test_two_evaluators_moving_one_state_the_second_is_refused(opened: Store, root: Path, store: str) -> None:
    with opened.writing() as session:
        AlertStore(session).put_state(firing(), expected_version=0)

    def move() -> object:
        with opened.writing() as session:
            return AlertStore(session).put_state(firing(version=1, episode=2), expected_version=1)

    results = race(move, 3)
    assert sorted(type(r).__name__ for r in results) == ["StoreConflict", "StoreConflict", "StoredState"]
    assert query(root, store, f"SELECT episode, version FROM alert_states WHERE scope_key = '{SCOPE_KEY}'") == [(2, 2)]


def test_claims_never_hand_one_delivery_to_two_senders(opened: Store) -> None:
    email, slack = channels(opened, slack_dedupes=True)
    with opened.writing() as session:
        alerts = AlertStore(session)
        for number in range(6):  # 6 notices x 2 channels: 12 deliveries
            alerts.enqueue(
                notice(f"k-{number}"), [NewDelivery("anna@acme.example", email, at(2)), NewDelivery("M", slack, at(2))]
            )

    def drain(holder: str) -> Callable[[], list[int]]:
        def claim_all() -> list[int]:
            taken: list[int] = []
            while True:
                with opened.writing() as session:
                    claims = AlertStore(session).claim_due(at(5), holder, 1, timedelta(minutes=5))
                if not claims:
                    return taken
                taken.extend(c.delivery.id for c in claims)

        return claim_all

    starts = threading.Barrier(3)
    per_sender: list[list[int]] = []
    threads = []
    for holder in ("a", "b", "c"):
        work = drain(holder)

        def run(work: Callable[[], list[int]] = work) -> None:
            starts.wait()
            per_sender.append(work())

        threads.append(threading.Thread(target=run))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    claimed = [i for taken in per_sender for i in taken]
    assert sorted(claimed) == list(range(1, 13))  # each of the 12 once, by one sender


@pytest.mark.postgres
def test_on_postgresql_a_second_sender_skips_what_the_first_holds(opened: Store, store: str) -> None:
    if "://" not in store:
        pytest.skip("SQLite runs one writer at a time: the second sender waits instead (the test above)")
    email, slack = channels(opened, slack_dedupes=True)
    with opened.writing() as session:
        for number in range(2):  # 4 deliveries, ids 1..4, all due at 9:02
            AlertStore(session).enqueue(
                notice(f"k-{number}"), [NewDelivery("anna@acme.example", email, at(2)), NewDelivery("M", slack, at(2))]
            )

    def second() -> list[int]:
        with opened.writing() as session:
            return [c.delivery.id for c in AlertStore(session).claim_due(at(5), "b", 10, timedelta(minutes=5))]

    with opened.writing() as session:
        first = [c.delivery.id for c in AlertStore(session).claim_due(at(5), "a", 2, timedelta(minutes=5))]
        thread, results = in_thread(second)
        thread.join(10)
        assert not thread.is_alive()  # it did not wait for the first sender's rows: it skipped them
    assert (first, results) == ([1, 2], [[3, 4]])


def test_a_lease_is_held_by_one_until_it_expires(opened: Store) -> None:
    ttl = timedelta(minutes=1)
    with opened.writing() as session:
        leases = AlertStore(session)
        assert leases.acquire("evaluator", "a", at(0), ttl) is True
        assert leases.acquire("evaluator", "b", at(0, hour=9), ttl) is False
        assert leases.acquire("evaluator", "a", at(0, hour=9) + timedelta(seconds=50), ttl) is True  # renewed
        assert leases.acquire("evaluator", "b", at(1), ttl) is False  # renewed until 9:01:50
        assert leases.release("evaluator", "b") is False  # not b's
    with opened.reading() as session:
        held = AlertStore(session).lease("evaluator")
    assert held is not None
    assert (held.holder, held.acquired_at, held.expires_at) == ("a", at(0), at(1) + timedelta(seconds=50))
    with opened.writing() as session:
        leases = AlertStore(session)
        assert leases.acquire("evaluator", "b", at(1) + timedelta(seconds=50), ttl) is True  # expired: taken over
        assert leases.release("evaluator", "a") is False  # a's lease was taken over: not a's to release
        held = leases.lease("evaluator")
        assert held is not None
        assert (held.holder, held.acquired_at) == ("b", at(1) + timedelta(seconds=50))
        assert leases.release("evaluator", "b") is True
        assert leases.acquire("evaluator", "c", at(2), ttl) is True  # free again


def test_two_processes_acquiring_a_lease_at_once_one_gets_it(opened: Store) -> None:
    ttl = timedelta(minutes=1)

    def acquire(holder: str) -> Callable[[], bool]:
        def work() -> bool:
            with opened.writing() as session:
                return AlertStore(session).acquire("evaluator", holder, at(0), ttl)

        return work

    with opened.writing() as session:
        assert AlertStore(session).acquire("evaluator", "a", at(0), ttl) is True
        thread, results = in_thread(acquire("b"))
        thread.join(WAIT)
        assert thread.is_alive()  # waits for a's transaction
    thread.join(30)
    assert results == [False]

    holders = iter(["c", "d", "e", "f"])
    lock = threading.Lock()

    def fresh() -> bool:
        with lock:
            holder = next(holders)
        with opened.writing() as session:
            return AlertStore(session).acquire("digest", holder, at(0), ttl)

    assert Counter(race(fresh, 4)) == Counter({True: 1, False: 3})


def test_a_refused_state_write_leaves_the_rest_of_its_transaction_unwritten(
    opened: Store, root: Path, store: str
) -> None:
    email, _ = channels(opened)
    with opened.writing() as session:
        AlertStore(session).put_state(firing(), expected_version=0)

    def notify_and_move() -> None:
        with opened.writing() as session:
            alerts = AlertStore(session)
            alerts.enqueue(notice(), [NewDelivery("anna@acme.example", email, at(2))])
            alerts.put_state(firing(), expected_version=0)  # another evaluator stored it first

    with pytest.raises(StoreConflict):
        notify_and_move()
    assert count(root, store, "alert_outbox") == 0  # the notice of the refused move went with it
