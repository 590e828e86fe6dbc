#!/usr/bin/env python3
"""Check a filing PDF (or an enterprise's data-use receipt) offline, as a regulator's clerk would:
no Django, no database.

    python scripts/verify_filing.py FILING.pdf --public-key KEY.json
        [--later CHECKPOINT.json --consistency PROOF.json]

- KEY.json: the deployment's public key as served at /evidence/public-key/ (README "Operations").
- The PDF carries evidence-witness.json (boards.kernel.evidence_tree.witness_for): the signed
  checkpoint the filing was built under, the filing's own evidence entry and its inclusion proof.
  Checked: the signature, that the entry is this filing's creation, and the inclusion proof (RFC 9162).
- With --later (a later checkpoint: ``manage.py evidence_checkpoint`` or the API) and --consistency
  (the API's consistency proof from the filing's tree size to the later one): the later signature and
  that the later log extends the one the filing witnessed. A log truncated or rewritten since fails.

- A data-use receipt (an enterprise's 数据使用回执) carries data-use-receipt.json instead: the signed
  checkpoint and each listed use's entry with its inclusion proof; each is checked.

Exit status 0 when everything holds, 1 with the reason otherwise. Needs only the standard library and
the signature package (``cryptography``; ``gmssl`` for SM2/SM3).
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from boards.kernel import signing  # noqa: E402  (Django-free modules)
from boards.kernel.witness import RECEIPT_FORMAT, Failed, embedded_json, verify, verify_receipt  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description="离线核验报备文件 PDF 中的存证检查点与包含证明")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--public-key", type=Path, required=True, help="/evidence/public-key/ 给出的 JSON")
    parser.add_argument("--later", type=Path, help="后来的已签名检查点 JSON")
    parser.add_argument("--consistency", type=Path, help="从报备时树大小到后来树大小的一致性证明 JSON")
    args = parser.parse_args(argv)
    try:
        public_key = signing.load_public_key(args.public_key.read_text())
        later = json.loads(args.later.read_text()) if args.later else None
        consistency = json.loads(args.consistency.read_text()) if args.consistency else None
        pdf = args.pdf.read_bytes()
        is_receipt = embedded_json(pdf, RECEIPT_FORMAT) is not None
        lines = verify_receipt(pdf, public_key) if is_receipt else verify(pdf, public_key, later, consistency)
        for line in lines:
            print("通过：" + line)
    except (Failed, signing.SignatureError, OSError, ValueError, KeyError) as exc:
        print(f"未通过：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
