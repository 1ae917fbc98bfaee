"""Results kept per knowledge-base snapshot: worked out once, forgotten with their release.

Everything a patient is shown is a function of the published snapshot and of a few hashable
values (their answers, their language, the clinic's facts…). `per_snapshot` keeps such results in
a least-recently-used memo that belongs to one snapshot, so a new release starts empty memos and
the old ones go with the old snapshot (they hold it only weakly). The size of each memo is a
setting, so memory per worker stays bounded; 0 turns memoising off.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from django.conf import settings

from .clinic import Clinic, current_clinic
from .triage import KnowledgeBase

R = TypeVar("R")


def per_snapshot(size_setting: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Memoise `func(kb, *args)` per snapshot; `args` must be hashable, and `func` must depend on
    nothing else (pass the clinic as `same_clinic()`, the time as what it decides)."""

    def decorate(func: Callable[..., R]) -> Callable[..., R]:
        memos: weakref.WeakKeyDictionary[KnowledgeBase, Callable[..., R]] = weakref.WeakKeyDictionary()

        @wraps(func)
        def memoised(kb: KnowledgeBase, *args: Hashable) -> R:
            size = getattr(settings, size_setting)
            if size <= 0:
                return func(kb, *args)
            memo = memos.get(kb)
            if memo is None:
                snapshot = weakref.ref(kb)  # a strong reference would keep every old snapshot alive

                def on_snapshot(*args: Hashable) -> R:
                    kb = snapshot()
                    assert kb is not None, "a memo is only reached through its live snapshot"
                    return func(kb, *args)

                memo = memos.setdefault(kb, lru_cache(maxsize=size)(on_snapshot))
            return memo(*args)

        return memoised

    return decorate


class SnapshotStore:
    """A least-recently-used store per snapshot, for results worked out where `per_snapshot` cannot
    call them itself (a rendered page needs its request). Thread-safe; bounded by a setting."""

    def __init__(self, size_setting: str) -> None:
        self.size_setting = size_setting
        self._stores: weakref.WeakKeyDictionary[KnowledgeBase, OrderedDict[Hashable, object]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, kb: KnowledgeBase, key: Hashable) -> Any:
        with self._lock:
            store = self._stores.get(kb)
            if store is None or key not in store:
                return None
            store.move_to_end(key)
            return store[key]

    def put(self, kb: KnowledgeBase, key: Hashable, value: object) -> None:
        size = getattr(settings, self.size_setting)
        with self._lock:
            store = self._stores.setdefault(kb, OrderedDict())
            store[key] = value
            store.move_to_end(key)
            while len(store) > size:
                store.popitem(last=False)


class SameClinic:
    """The clinic's facts as a memo key: the very same object (a save or a re-read makes a new one,
    so a memo never shows a phone number the clinic has since changed)."""

    __slots__ = ("clinic",)

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic

    def __hash__(self) -> int:
        return id(self.clinic)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SameClinic) and other.clinic is self.clinic


def same_clinic() -> SameClinic:
    return SameClinic(current_clinic())
