"""The output folder's contract, read by every command without the build: the manifest,
safe paths and atomic writes (files), the writers' lock, the staging area and its swap,
and the rows' digest.

(A regular package, not a namespace one, so documentation tools find its modules.)
"""

__all__: list[str] = []
