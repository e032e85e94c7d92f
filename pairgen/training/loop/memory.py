"""Peak memory on the CPU: hand freed activation memory back instead of hoarding it.

glibc's allocator keeps freed blocks below its mmap threshold (which it raises up to
32 MB as large blocks come and go) in its heap.  A training step frees gigabytes of
activations of one batch shape; the next batch, of another shape, often cannot reuse
those blocks and allocates anew, so the heap only grows.  SmolLM2-135M, 4 steps of 4
GSM8K pairs: RSS stayed at 5.4 GB between steps and peaked at 5.9 GB; with blocks of
128 KB and more served by ``mmap`` (given back to the system when freed) RSS falls back to
2.6 GB between steps (weights, gradients and AdamW state) and peaks at 4.9 GB.

The price is paid in the kernel: every new block is fresh pages, each 4 KB page of every
temporary tensor of every step a minor fault that the kernel zeroes.  On SmolLM2 that is
about 7% of the run's CPU time (5.4 million faults for 2 steps of 4 pairs), worth the
gigabyte.  The ``tiny`` model's activations are small (its peak RSS is ~650 MB either
way) while its steps allocate and free many mid-sized blocks: with the fixed threshold a
20-step run spent 17 s of 53 s in the kernel (10.4 million faults), with glibc's own
settings 1 s of 36 s, 7% more peak RSS.  So the threshold is fixed for every model but
those of :data:`KEEP_FREED_MEMORY` (docs/training-cost.md has the measurements).

It is a setting of this process's allocator (``mallopt``), made when a CPU run starts;
nothing is set in the environment, so no other process sees it.  It stays for the rest of
the process: glibc has no way back to the growing threshold.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept fixed instead of growing
# models whose runs keep glibc's settings: small activations, many page faults saved
KEEP_FREED_MEMORY = ("tiny",)


def return_freed_memory() -> bool:
    """Fix glibc's mmap threshold for this process; False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


__all__ = ["KEEP_FREED_MEMORY", "return_freed_memory"]
