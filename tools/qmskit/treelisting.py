"""What ``git ls-tree -r`` says of each folder of records/, kept under the folder's git tree id (``.git/qms-cache``).

A tree id names a folder's whole content, so a listing kept under it is
that folder's listing wherever and whenever the id is met: nothing about it
can change. A pull-request check of a revision (``--head``) lists only the
folders whose ids it has not met before.

The full check already reads git's index (``git ls-files -s``), and from it
works out each folder's tree id itself, exactly as git hashes a tree
(:func:`index_listings`), so that the first ``--head`` check after it finds
every folder the branch did not change without asking git to list 20,000
files. An id worked out wrongly is merely never met: git's own ids are what
the check looks up, and a content hash cannot name other content.
"""
from __future__ import annotations

from binascii import unhexlify
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# (file names joined by NUL, their blob ids joined by NUL, every other entry as (mode, type, id, name)):
# names relative to the folder, in git's order, as ``git ls-tree -r`` lists them
Listing = tuple[str, str, tuple[tuple[str, str, str, str], ...]]

_REGULAR = (b"100644", b"100755")
_TYPES = {b"100644": "blob", b"100755": "blob", b"120000": "blob", b"160000": "commit"}  # what a tree may hold


class FolderListings:
    """The listings of folders of records/ under their tree ids; loaded once, saved once."""

    def __init__(self, root: Path, id_length: int) -> None:
        from .cache import ResultCache, digest_of, engine_digest

        self.cache = ResultCache(root, "tree-listing", digest_of(engine_digest(), id_length))

    def get(self, tree: str) -> Listing | None:
        found = self.cache.get(tree)
        return found if isinstance(found, tuple) and len(found) == 3 else None

    def put(self, tree: str, folder: str, lines: list[str], tab: int) -> Listing:
        """The listing of ``folder`` from its ``ls-tree`` lines, kept under its tree id."""
        regular = ("100644 blob ", "100755 blob ")
        start = tab + 2 + len(folder)  # after "\t<folder>/"
        files = [i for i in lines if i.startswith(regular)]
        odd = []
        for item in [i for i in lines if not i.startswith(regular)]:  # a link, a submodule: reported, never followed
            meta, _, path = item.partition("\t")
            parts = meta.split()
            if len(parts) == 3:
                odd.append((parts[0], parts[1], parts[2], path[len(folder) + 1:]))
        found = ("\0".join(i[start:] for i in files), "\0".join(i[12:tab] for i in files), tuple(odd))
        self.cache.put(tree, found)
        return found

    def save(self, trees: Iterable[str]) -> None:
        """Written with only the folders of this listing: the file does not grow with history."""
        self.cache.keep_only(trees)
        self.cache.save()


def remember_index_trees(root: Path, staged: bytes, folder: str = "records") -> None:
    """Keep the listing of each folder of ``folder`` in git's index (``staged``: ``git ls-files -s -z``) under its tree id.

    Worked out only when the index's lines under ``folder`` are not those
    of the last time (a re-check with nothing staged since pays a checksum
    of them, about a millisecond at 20k records). The mark of the last time
    is kept among the listings, so a pull-request check that keeps only its
    own folders drops it and the next full check adds the index's folders
    again. The mark is a CRC: were two indexes to share one, the listings of
    the second would merely not be added, and the branch's folders be listed
    by git, as before the full check did this.
    """
    from zlib import crc32

    block = _block(staged, folder)
    if not block:
        return
    n = block.find(b"\t") - 9  # "<mode> <id> <stage>\t<path>": the id's length, 40 or 64
    if n not in (40, 64):
        return
    listings = FolderListings(root, n)
    mark = f"index {crc32(block):08x} {len(block)}"
    if listings.cache.get(mark) is not None:
        return
    found = index_listings(block, folder)
    for tree, listing in found.items():
        if listings.get(tree) is None:
            listings.cache.put(tree, listing)
    listings.cache.put(mark, True)
    if len(listings.cache.entries) > 3 * len(found) + 1:  # the file does not grow with history
        listings.cache.keep_only([mark, *found])
    listings.cache.save()


def _block(staged: bytes, folder: str) -> bytes:
    """The lines of ``staged`` (``git ls-files -s -z``) under ``folder``, perhaps with a few others: they are in path order."""
    tag = b"\t" + folder.encode("utf-8", "surrogateescape") + b"/"
    first = staged.find(tag)
    if first < 0:
        return b""
    end = staged.find(b"\0", staged.rfind(tag))
    return staged[staged.rfind(b"\0", 0, first) + 1:end if end >= 0 else len(staged)]


def index_listings(staged: bytes, folder: str = "records") -> dict[str, Listing]:
    """Tree id → listing of each folder of ``folder`` whose entries in the index git would write as a tree.

    ``staged`` is ``git ls-files -s -z`` (paths from the repository's top),
    whose lines have a fixed layout (``<mode> <id> <stage>\\t<path>``) and
    come in the index's order: by path, byte by byte, so that a folder's
    lines are together. A folder holding a conflicted entry (stage above 0)
    or an entry of a mode no tree holds is left out: it is no tree yet.
    """
    block = _block(staged, folder)
    n = block.find(b"\t") - 9
    new_hash = _hash_for(n)
    if new_hash is None:
        return {}
    tag = b"\t" + folder.encode("utf-8", "surrogateescape") + b"/"
    at, skip = n + 9, n + 9 + len(tag)  # where the tag is in a line, and where the folder's sub-folder starts
    found: dict[str, Listing] = {}
    lines = block.split(b"\0")
    i, count = 0, len(lines)
    while i < count:  # a folder at a time
        line = lines[i]
        cut = line.find(b"/", skip)
        if cut < 0 or line[at:skip] != tag:
            i += 1  # a file in records/ itself
            continue
        sub = line[at:cut + 1]  # "\t<folder>/<sub-folder>/"
        lo, hi = i + 1, count  # its lines are together (path order): where they end, halving
        while lo < hi:
            mid = (lo + hi) // 2
            if lines[mid][at:cut + 1] == sub:
                lo = mid + 1
            else:
                hi = mid
        listing = _listing(lines[i:lo], n, len(sub), new_hash)
        i = lo
        if listing is not None:
            found[listing[0]] = listing[1]
    return found


def _listing(group: list[bytes], n: int, prefix: int, new_hash: Callable[[bytes], Any]) -> tuple[str, Listing] | None:
    """The tree id and listing of one folder from its ``ls-files -s`` lines; None when it is no tree.

    ``prefix`` is the length of ``\\t<folder>/<sub-folder>/``, after which
    each line names an entry inside the folder.
    """
    start = n + 9 + prefix
    shapes = {(line[:6], line[n + 7:start]) for line in group}  # each line's mode, and its stage and folder
    modes = {mode for mode, _ in shapes}
    if not modes <= _TYPES.keys() or {rest for _, rest in shapes} != {b" 0" + group[0][n + 9:start]}:
        return None  # conflicted, what no tree holds (a folder of a sparse index), or not one folder's lines
    if b"".join(group).count(b"/") == len(group) * group[0][n + 9:start].count(b"/") and modes <= set(_REGULAR):
        # the usual folder: files only, in the index's order, which is the tree's (no sub-folder to sort as "name/")
        names = [line[start:] for line in group]
        ids = [line[7:7 + n] for line in group]
        body = b"".join([b"%s %s\0%s" % (line[:6], name, unhexlify(sha)) for line, name, sha in zip(group, names, ids)])
        tree = new_hash(b"tree %d\0%s" % (len(body), body)).hexdigest()
        odd: tuple[tuple[str, str, str, str], ...] = ()
    else:
        entries = [(line[start:], line[:6], line[7:7 + n]) for line in group]
        tree = tree_id(entries, new_hash)
        names = [name for name, mode, _ in entries if mode in _REGULAR]
        ids = [sha for _, mode, sha in entries if mode in _REGULAR]
        odd = tuple((mode.decode(), _TYPES[mode], sha.decode(), name.decode("utf-8", "surrogateescape"))
                    for name, mode, sha in entries if mode not in _REGULAR)
    return tree, (b"\0".join(names).decode("utf-8", "surrogateescape"), b"\0".join(ids).decode(), odd)


def tree_id(entries: list[tuple[bytes, bytes, bytes]], new_hash: Callable[[bytes], Any]) -> str:
    """The git id of the tree holding ``entries`` ((path inside it, mode, hex id) of each file), as git hashes it.

    A tree object is ``tree <length>\\0`` and its entries, each
    ``<mode> <name>\\0<raw id>``, sorted by name with a sub-folder's name
    taken as ending in ``/``; a sub-folder's mode is ``40000``, its id the
    same hash of its own entries.
    """
    return _tree(entries, new_hash).hex()


def _tree(entries: list[tuple[bytes, bytes, bytes]], new_hash: Callable[[bytes], Any]) -> bytes:
    items: list[tuple[bytes, bytes]] = []
    subs: dict[bytes, list[tuple[bytes, bytes, bytes]]] = {}
    for name, mode, sha in entries:
        head, slash, rest = name.partition(b"/")
        if slash:
            subs.setdefault(head, []).append((rest, mode, sha))
        else:
            items.append((name, b"%s %s\0%s" % (mode, name, unhexlify(sha))))
    for head, inner in subs.items():
        items.append((head + b"/", b"40000 %s\0%s" % (head, _tree(inner, new_hash))))
    items.sort()
    body = b"".join(entry for _, entry in items)
    digest: bytes = new_hash(b"tree %d\0%s" % (len(body), body)).digest()
    return digest


def _hash_for(length: int) -> Callable[[bytes], Any] | None:
    """The repository's object hash, told by the length of its ids: SHA-1 (40 digits) or SHA-256 (64); None: another."""
    if length == 64:
        from .cache import sha256

        return sha256
    if length != 40:
        return None
    from .cache import sha1

    return sha1


__all__ = ["FolderListings", "Listing", "index_listings", "remember_index_trees", "tree_id"]
