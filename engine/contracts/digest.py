"""sha256 digests: the one way Arrears names content (playbooks, emergency plans, decisions, facts).

Why one module: a playbook version and an emergency plan are identified by the same framing
(a tag, the document's bytes, then every template by name, each length-prefixed so no two
different contents can hash alike), and evidence rows hash their UTF-8 text. Changing either
would change stored identities, so they live here, once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def sha256_text(text: str) -> str:
    """The hex sha256 of `text` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_sha256(tag: bytes, document: bytes, templates: Mapping[str, str]) -> str:
    """The identity of a document and its templates: `tag\\0`, the length-prefixed document,
    then each template (sorted by name) as `name\\0` + length-prefixed UTF-8 body."""
    digest = hashlib.sha256(tag + b"\0" + len(document).to_bytes(8, "big") + document)
    for name in sorted(templates):
        body = templates[name].encode("utf-8")
        digest.update(name.encode() + b"\0" + len(body).to_bytes(8, "big") + body)
    return digest.hexdigest()
