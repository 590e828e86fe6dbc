"""Merkle tree hashing and proofs as RFC 9162 (Certificate Transparency 2.0) §2.1 defines them.

Standard library only (no Django): ``scripts/verify_filing.py`` imports it to check a filing offline.

- leaf hash ``H(0x00 || data)``, node hash ``H(0x01 || left || right)`` (§2.1.1);
- the tree of n leaves splits at k, the largest power of two smaller than n, so its nodes are the
  perfect subtrees ``(level, index)`` covering leaves ``[index * 2**level, (index + 1) * 2**level)``
  and any range the RFC's recursion visits is a run of such subtrees, largest first;
- inclusion proofs (§2.1.3) and consistency proofs (§2.1.4) are generated as lists of leaf ranges
  whose hashes the caller looks up, and verified with the RFC's own algorithms.

``H`` is SHA-256, or SM3 (GB/T 32905-2016) for a 国密 deployment (``hash_function("sm3")``).
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

Hash = Callable[[bytes], bytes]
Node = tuple[int, int]  # (level, index) of a perfect subtree
Range = tuple[int, int]  # leaves [start, end)


def _sm3(data: bytes) -> bytes:
    from gmssl import func, sm3

    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def hash_function(name: str) -> Hash:
    """The hash of a tree: ``sha256`` or ``sm3``."""
    if name == "sha256":
        return lambda data: hashlib.sha256(data).digest()
    if name == "sm3":
        return _sm3
    raise ValueError(f"unknown evidence hash {name!r} (sha256 or sm3)")


def leaf_hash(h: Hash, data: bytes) -> bytes:
    return h(b"\x00" + data)


def node_hash(h: Hash, left: bytes, right: bytes) -> bytes:
    return h(b"\x01" + left + right)


def split(n: int) -> int:
    """k of §2.1.1: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees ``(level, index)`` whose run, left to right, is MTH(D[start:end]) in
    the RFC's shape. ``start`` is aligned on the largest of them, as every range the RFC visits is."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(h: Hash, hashes: Sequence[bytes]) -> bytes:
    """MTH of a run of perfect subtrees, largest first: they nest to the right."""
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(h, left, root)
    return root


def inclusion_ranges(index: int, size: int, start: int = 0) -> list[Range]:
    """PATH(m, D[n]) of §2.1.3.1 as leaf ranges, bottom up."""
    if size <= 1:
        return []
    k = split(size)
    if index < k:
        return [*inclusion_ranges(index, k, start), (start + k, start + size)]
    return [*inclusion_ranges(index - k, size - k, start + k), (start, start + k)]


def consistency_ranges(first: int, second: int) -> list[Range]:
    """PROOF(m, D[n]) of §2.1.4.1 as leaf ranges (0 < first < second)."""
    def subproof(m: int, start: int, n: int, whole: bool) -> list[Range]:
        if m == n:
            return [] if whole else [(start, start + n)]
        k = split(n)
        if m <= k:
            return [*subproof(m, start, k, whole), (start + k, start + n)]
        return [*subproof(m - k, start + k, n - k, False), (start, start + k)]

    if not 0 < first < second:
        return []
    return subproof(first, 0, second, True)


def proof_hashes(h: Hash, ranges: Iterable[Range], node: Callable[[int, int], bytes]) -> list[bytes]:
    """The hashes of ``ranges``; ``node(level, index)`` gives a stored perfect subtree."""
    return [fold(h, [node(*key) for key in perfect_nodes(a, b)]) for a, b in ranges]


def nodes_needed(ranges: Iterable[Range]) -> set[Node]:
    return {key for a, b in ranges for key in perfect_nodes(a, b)}


class ProofError(ValueError):
    pass


def root_from_inclusion(h: Hash, index: int, size: int, leaf: bytes, path: Iterable[bytes]) -> bytes:
    """§2.1.3.2: the root that ``path`` proves ``leaf`` (a leaf hash) at ``index`` into."""
    if not 0 <= index < size:
        raise ProofError(f"序号 {index} 不在树的大小 {size} 之内")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("包含证明过长")
        if fn & 1 or fn == sn:
            r = node_hash(h, p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(h, r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("包含证明过短")
    return r


def verify_inclusion(h: Hash, index: int, size: int, leaf: bytes, path: Iterable[bytes], root: bytes) -> None:
    if root_from_inclusion(h, index, size, leaf, path) != root:
        raise ProofError("包含证明与树根不符")


def verify_consistency(h: Hash, first: int, second: int, first_root: bytes, second_root: bytes,
                       path: Iterable[bytes]) -> None:
    """§2.1.4.2: ``path`` proves the tree of ``first`` leaves is a prefix of the one of ``second``."""
    if not 0 < first <= second:
        raise ProofError(f"树的大小 {first} → {second} 不能比较")
    if first == second:
        if path or first_root != second_root:
            raise ProofError("同样大小的两个树根不同")
        return
    hashes = list(path)
    if first & (first - 1) == 0:
        hashes.insert(0, first_root)
    if not hashes:
        raise ProofError("一致性证明为空")
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
        if sn == 0:
            raise ProofError("一致性证明过长")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(h, c, fr), node_hash(h, c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(h, sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise ProofError("一致性证明不成立：后一个树不是前一个树的延续")


class Frontier:
    """The right edge of a tree (one perfect subtree per set bit of its size), to append leaves
    and compute the root without reading the rest. ``append`` returns the new perfect nodes."""

    def __init__(self, h: Hash, size: int = 0, edge: Mapping[int, bytes] | None = None) -> None:
        self.h, self.size = h, size
        self.edge = dict(edge or {})  # level -> hash of the rightmost perfect subtree of that level

    @staticmethod
    def edge_nodes(size: int) -> list[Node]:
        return perfect_nodes(0, size)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        made, level, current, index = [(0, self.size, leaf)], 0, leaf, self.size
        while index & 1:
            current = node_hash(self.h, self.edge.pop(level), current)
            level, index = level + 1, index >> 1
            made.append((level, index, current))
        self.edge[level] = current
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self.size:
            return self.h(b"")
        return fold(self.h, [self.edge[level] for level, _ in perfect_nodes(0, self.size)])
