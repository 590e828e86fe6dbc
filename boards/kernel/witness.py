"""Checking what a filing witnessed, with no Django and no database (scripts/verify_filing.py, and
``manage.py verify_evidence --against``): the signed checkpoint embedded in a filing PDF, the filing's
own entry and its inclusion proof, and a later checkpoint's consistency with it (RFC 9162)."""

import json
import re
import zlib
from collections.abc import Mapping
from typing import Any

from boards.kernel import merkle, signing

Document = dict[str, Any]  # a JSON document as parsed: a checkpoint, a witness, a receipt, a proof

WITNESS_FORMAT = "zhuanban-witness/1"
RECEIPT_FORMAT = "zhuanban-data-use-receipt/1"
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


class Failed(Exception):
    """What does not hold, in Chinese."""


def embedded_json(data: bytes, document_format: str) -> Document | None:
    """The embedded JSON document of ``document_format``, or None: the PDF's streams are scanned
    (embedded files are plain or Flate streams, never inside object streams)."""
    for match in STREAM.finditer(data):
        raw = match.group(1)
        for candidate in (raw, _inflate(raw)):
            if candidate and document_format.encode() in candidate:
                try:
                    found = json.loads(candidate.decode())
                except ValueError:
                    continue
                if isinstance(found, dict) and found.get("format") == document_format:
                    return found
    return None


def witness_from_pdf(data: bytes) -> Document:
    found = embedded_json(data, WITNESS_FORMAT)
    if found is None:
        raise Failed("PDF 中没有存证见证附件（evidence-witness.json）")
    return found


def _inflate(raw: bytes) -> bytes | None:
    try:
        return zlib.decompressobj().decompress(raw)
    except zlib.error:
        return None


def checked_checkpoint(document: Mapping[str, Any], public_key: signing.PublicKey) -> Document:
    """The body of a signed checkpoint ``{"checkpoint": body, "signature": hex}`` once its signature holds."""
    try:
        signing.verify(public_key, document["checkpoint"].encode(), document["signature"])
    except signing.SignatureError as exc:
        raise Failed(f"检查点签名不成立：{exc}") from exc
    body: Document = json.loads(document["checkpoint"])
    if body.get("key_id") != public_key.get("key_id", body.get("key_id")):
        raise Failed("检查点的密钥标识与给出的公钥不符")
    return body


def _check_inclusion(h: merkle.Hash, checkpoint: Document, entry_json: str,
                     proof: Mapping[str, Any]) -> Document:
    """The entry (its canonical JSON) is leaf ``proof["index"]`` of the checkpoint's tree."""
    entry: Document = json.loads(entry_json)
    leaf = merkle.leaf_hash(h, entry_json.encode())
    if leaf.hex() != proof["leaf_hash"] or proof["tree_size"] != checkpoint["size"]:
        raise Failed("包含证明与附件中的存证记录或检查点不符")
    if entry.get("seq") != proof["index"] + 1:
        raise Failed("存证记录的序号与包含证明的位置不符")
    try:
        merkle.verify_inclusion(h, proof["index"], proof["tree_size"], leaf,
                                [bytes.fromhex(p) for p in proof["path"]], bytes.fromhex(checkpoint["root"]))
    except (merkle.ProofError, ValueError) as exc:
        raise Failed(f"第 {entry.get('seq')} 条存证记录的包含证明不成立：{exc}") from exc
    return entry


def verify_receipt(pdf_bytes: bytes, public_key: signing.PublicKey) -> list[str]:
    """A data-use receipt (boards.kernel.datause.receipt_pdf): the signed checkpoint, then every
    listed use's entry and inclusion proof. Returns the lines checked; raises Failed."""
    receipt = embedded_json(pdf_bytes, RECEIPT_FORMAT)
    if receipt is None:
        raise Failed("PDF 中没有数据使用回执附件（data-use-receipt.json）")
    checkpoint = checked_checkpoint(receipt, public_key)
    h = merkle.hash_function(checkpoint["hash"])
    for use in receipt["uses"]:
        entry = _check_inclusion(h, checkpoint, use["entry"], use["inclusion"])
        payload, subject = entry.get("payload", {}), receipt["subject_id"]
        # the apps' data-use payloads name the enterprise as "enterprise" or among "enterprises"
        if payload.get("enterprise") != subject and subject not in payload.get("enterprises", ()):
            raise Failed(f"第 {entry.get('seq')} 条存证记录与回执所属企业无关")
    return [f"数据使用回执：{len(receipt['uses'])} 条使用记录均包含在专板 {checkpoint['board']} 的检查点中"
            f"（树大小 {checkpoint['size']}，树根 {checkpoint['root']}，签名 {checkpoint['key_id']}）"]


def verify(pdf_bytes: bytes, public_key: signing.PublicKey, later: Mapping[str, Any] | None = None,
           consistency: Mapping[str, Any] | None = None) -> list[str]:
    """Returns a list of lines describing what was checked; raises Failed."""
    witness = witness_from_pdf(pdf_bytes)
    checkpoint = checked_checkpoint(witness, public_key)
    h = merkle.hash_function(checkpoint["hash"])
    entry: Document = json.loads(witness["entry"])
    if entry.get("action") != "boards.filing.created" or entry.get("subject_type") != "boards.filing":
        raise Failed("附件中的存证记录不是报备文件的创建记录")
    _check_inclusion(h, checkpoint, witness["entry"], witness["inclusion"])
    number = entry.get("payload", {}).get("number", "")  # the clerk compares it with the printed one
    lines = [f"报备 {number}：存证记录第 {entry['seq']} 条包含在专板 {checkpoint['board']} 的检查点中"
             f"（树大小 {checkpoint['size']}，树根 {checkpoint['root']}，签名 {checkpoint['key_id']}）"]
    if later is not None:
        newer = checked_checkpoint(later, public_key)
        if newer["board"] != checkpoint["board"] or newer["hash"] != checkpoint["hash"]:
            raise Failed("后来的检查点不属于同一专板的日志")
        if newer["size"] < checkpoint["size"]:
            raise Failed(f"日志被截断：后来的检查点只有 {newer['size']} 条，"
                         f"报备时已有 {checkpoint['size']} 条")
        path = (consistency or {}).get("path", [])
        if consistency is not None and (consistency.get("first"), consistency.get("second")) != (
                checkpoint["size"], newer["size"]):
            raise Failed("一致性证明的两个树大小与两个检查点不符")
        try:
            merkle.verify_consistency(h, checkpoint["size"], newer["size"], bytes.fromhex(checkpoint["root"]),
                                      bytes.fromhex(newer["root"]), [bytes.fromhex(p) for p in path])
        except (merkle.ProofError, ValueError) as exc:
            raise Failed(f"日志与报备时的检查点不一致（被改写或截断）：{exc}") from exc
        lines.append(f"后来的检查点（树大小 {newer['size']}）是报备时日志的延续")
    return lines
