"""Signed checkpoints: Ed25519 over canonical JSON, the file's own chain, and the signing key."""

from __future__ import annotations

import base64
import json
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from shared.audit import checkpoint as checkpoints
from shared.audit import signing

KEY = Ed25519PrivateKey.generate()


def payload(seq: int = 1, count: int = 10, head: str = "ab" * 32, previous: str | None = None) -> dict:
    return {"format": checkpoints.FORMAT, "seq": seq, "count": count, "head": head, "previous": previous,
            "taken_at": "2026-12-03T09:00:00+00:00"}


def write_lines(tmp_path, *lines: str):
    path = tmp_path / "checkpoints.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=10)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_a_signed_line_read_back_verifies(extra):
    line = checkpoints.sign({**extra, **payload()}, KEY)
    entry = json.loads(line)
    KEY.public_key().verify(base64.b64decode(entry["signature"]), checkpoints.canonical(entry["checkpoint"]))


def test_checkpoints_signed_in_sequence_are_all_trusted(tmp_path):
    first = payload(1)
    second = payload(2, count=20, previous=checkpoints.digest(first))
    path = write_lines(tmp_path, checkpoints.sign(first, KEY), checkpoints.sign(second, KEY))

    found, gaps = checkpoints.read(path, KEY.public_key())
    assert [(c.seq, c.count, c.trusted) for c in found] == [(1, 10, True), (2, 20, True)] and gaps == []


def test_a_checkpoint_whose_head_was_changed_after_signing_is_refused(tmp_path):
    entry = json.loads(checkpoints.sign(payload(), KEY))
    entry["checkpoint"]["head"] = "cd" * 32
    found, _ = checkpoints.read(write_lines(tmp_path, json.dumps(entry)), KEY.public_key())
    assert not found[0].trusted and "signature does not verify" in found[0].problem


def test_a_checkpoint_signed_with_another_key_is_refused(tmp_path):
    forged = checkpoints.sign(payload(), Ed25519PrivateKey.generate())
    found, _ = checkpoints.read(write_lines(tmp_path, forged), KEY.public_key())
    assert not found[0].trusted


def test_a_line_that_is_not_a_checkpoint_is_refused_by_line_number(tmp_path):
    found, _ = checkpoints.read(write_lines(tmp_path, checkpoints.sign(payload(), KEY), "{not json"),
                                KEY.public_key())
    assert found[0].trusted and not found[1].trusted and found[1].problem.startswith("line 2 ")


def test_a_checkpoint_removed_from_the_file_shows_as_a_gap(tmp_path):
    first = payload(1)
    second = payload(2, count=20, previous=checkpoints.digest(first))
    third = payload(3, count=30, previous=checkpoints.digest(second))
    path = write_lines(tmp_path, checkpoints.sign(first, KEY), checkpoints.sign(third, KEY))

    found, gaps = checkpoints.read(path, KEY.public_key())
    assert all(c.trusted for c in found)
    assert len(gaps) == 1 and "line 2: checkpoint #3 does not follow" in gaps[0]


def test_the_key_is_read_from_base64_of_its_seed_and_says_what_is_wrong():
    seed = signing.seed_of(KEY)
    assert signing.public_pem(signing.key_from_seed(seed)) == signing.public_pem(KEY)
    with pytest.raises(ValueError, match="32 bytes"):
        signing.key_from_seed(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="not base64"):
        signing.key_from_seed("not base64!")


def test_a_key_file_is_made_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "secrets" / "audit-signing-key"
    key = signing.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert signing.public_pem(signing.load_or_create(path)) == signing.public_pem(key)


def test_the_public_key_file_alone_verifies(tmp_path):
    (tmp_path / "key.pub").write_bytes(signing.public_pem(KEY))
    public = signing.read_public(tmp_path / "key.pub")
    line = json.loads(checkpoints.sign(payload(), KEY))
    public.verify(base64.b64decode(line["signature"]), checkpoints.canonical(line["checkpoint"]))
    assert signing.fingerprint(public) == signing.fingerprint(KEY)
