"""In-memory fakes of every job port, shipped in the package for tests of the layers above.

They keep the same contract as the real backends (the suite in ``tests/contract`` runs over
both), so a test using them exercises real lifecycle rules, only without disk or network.
"""

from jamak.backends.memory.direct_uploads import InMemoryDirectUploads
from jamak.backends.memory.identity import InMemoryIdentityStore
from jamak.backends.memory.launcher import NoopLauncher, QueueLauncher
from jamak.backends.memory.objects import InMemoryObjectStore
from jamak.backends.memory.store import InMemoryJobStore

__all__ = [
    "InMemoryDirectUploads",
    "InMemoryIdentityStore",
    "InMemoryJobStore",
    "InMemoryObjectStore",
    "NoopLauncher",
    "QueueLauncher",
]
