"""Signatures of evidence checkpoints: Ed25519 (``cryptography``) by default, SM2 with SM3
(GB/T 32918, ``gmssl``) for a 国密 deployment.

No Django here: ``scripts/verify_filing.py`` verifies with it offline. A public key is written as
``{"algorithm": ..., "key_id": ..., "public_key": hex}`` (the JSON served at /evidence/public-key/);
the key id is the first 16 hex digits of SHA-256 over ``algorithm:public_key_hex``.
"""

import hashlib
import json
import secrets
from typing import Any

ALGORITHMS = ("ed25519", "sm2")
PublicKey = dict[str, str]  # {"algorithm", "key_id", "public_key"}, the JSON form above


class SignatureError(ValueError):
    pass


def key_id(algorithm: str, public_hex: str) -> str:
    return hashlib.sha256(f"{algorithm}:{public_hex}".encode()).hexdigest()[:16]


def _sm2(private_hex: str, public_hex: str) -> Any:  # gmssl is untyped: a CryptSM2
    from gmssl import sm2

    if not public_hex:
        public_hex = sm2.CryptSM2(private_key=private_hex, public_key="")._kg(
            int(private_hex, 16), sm2.default_ecc_table["g"])
    return sm2.CryptSM2(private_key=private_hex, public_key=public_hex)


class Signer:
    """A private key of ``algorithm``, given as hex (32 bytes: the Ed25519 seed or the SM2 scalar)."""

    def __init__(self, algorithm: str, private_hex: str) -> None:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown signature algorithm {algorithm!r} ({' or '.join(ALGORITHMS)})")
        self.algorithm = algorithm
        self._key: Any  # an Ed25519PrivateKey, or gmssl's (untyped) CryptSM2
        private_hex = private_hex.strip().lower()
        if algorithm == "ed25519":
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

            self._key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
            self.public_hex = self._key.public_key().public_bytes_raw().hex()
        else:
            self._key = _sm2(private_hex, "")
            self.public_hex = self._key.public_key
        self.key_id = key_id(algorithm, self.public_hex)

    def sign(self, message: bytes) -> str:
        if self.algorithm == "ed25519":
            return self._key.sign(message).hex()
        return self._key.sign_with_sm3(message)

    def public_key(self) -> PublicKey:
        return {"algorithm": self.algorithm, "key_id": self.key_id, "public_key": self.public_hex}


def generate_private_hex() -> str:
    """A new private key, for both algorithms (SM2 needs it below the curve order: retry)."""
    while True:
        candidate = secrets.token_hex(32)
        if 0 < int(candidate, 16) < 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123:
            return candidate


def verify(public_key: PublicKey, message: bytes, signature_hex: str) -> None:
    """Raise ``SignatureError`` unless ``signature_hex`` signs ``message`` under ``public_key``
    (the JSON form above)."""
    algorithm, public_hex = public_key["algorithm"], public_key["public_key"]
    if key_id(algorithm, public_hex) != public_key.get("key_id", key_id(algorithm, public_hex)):
        raise SignatureError("公钥与密钥标识不符")
    try:
        if algorithm == "ed25519":
            from cryptography.exceptions import InvalidSignature
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

            try:
                Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(
                    bytes.fromhex(signature_hex), message)
                return
            except InvalidSignature:
                pass
        elif algorithm == "sm2":
            from gmssl import sm2

            if len(signature_hex) == 128 and sm2.CryptSM2(private_key=None, public_key=public_hex) \
                    .verify_with_sm3(signature_hex, message):
                return
        else:
            raise SignatureError(f"未知的签名算法 {algorithm}")
    except ValueError as exc:
        raise SignatureError(f"签名或公钥格式错误：{exc}") from exc
    raise SignatureError("签名无效：检查点不是该公钥签发的，或已被改动")


def load_public_key(text: str | bytes) -> PublicKey:
    data = json.loads(text)
    if not {"algorithm", "public_key"} <= set(data):
        raise SignatureError("公钥文件应为 /evidence/public-key/ 给出的 JSON")
    return data
