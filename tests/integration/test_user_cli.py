"""`rj user add | disable | enable | list`: accounts made from the shell, the password from stdin."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys

import pytest

from rj.cli import main
from shared.db import create_pool
from shared.identity.accounts import Accounts

PASSWORD = "a long enough pass phrase"


@pytest.fixture
def system_env(fresh_database_url, monkeypatch) -> str:
    """The system found the way a container finds it: from the engines' URLs (NATS is not used)."""
    monkeypatch.setenv("RJ_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("RJ_NATS_URL", "nats://127.0.0.1:1")
    monkeypatch.setenv("RJ_DATA_DIR", "/nonexistent-rj-data-dir")
    return fresh_database_url


async def rj(*argv: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch) -> int:
    # The CLI runs its own event loop, as it does from a shell.
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return await asyncio.to_thread(main, list(argv))


async def test_rj_user_add_list_disable_enable(system_env, monkeypatch, capsys):
    code = await rj("user", "add", "Sam.Jones", "--role", "supervisor", "--level", "intermediate",
                    "--name", "Sam Jones", "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch)
    assert code == 0, capsys.readouterr()
    assert "Sam.Jones" in capsys.readouterr().out
    assert await rj("user", "add", "cara", "--role", "commissioner", "--password-stdin", stdin=PASSWORD,
                    monkeypatch=monkeypatch) == 0
    capsys.readouterr()

    assert await rj("user", "list", monkeypatch=monkeypatch) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["cara", "commissioner"]
    assert "supervisor (intermediate)" in lines[1] and "enabled" in lines[1] and lines[1].endswith("Sam Jones")

    assert await rj("user", "disable", "sam.jones", monkeypatch=monkeypatch) == 0
    assert "disabled" in capsys.readouterr().out
    pool = await create_pool(system_env, max_size=1)
    try:
        accounts = Accounts(pool)
        assert await accounts.verify_password("Sam.Jones", PASSWORD) is None
        assert await rj("user", "enable", "SAM.JONES", monkeypatch=monkeypatch) == 0
        assert (await accounts.verify_password("Sam.Jones", PASSWORD)).display_name == "Sam Jones"
    finally:
        await pool.close()


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["--role", "facilitator"], PASSWORD, "level: a facilitator needs a practitioner level"),
    (["--role", "admin", "--level", "advanced"], PASSWORD, "level: only a facilitator or supervisor"),
    (["--role", "admin"], "too short\n", "password: has 9 characters; at least 12"),
    (["--role", "admin"], "", "password: has 0 characters"),
])
async def test_rj_user_add_refuses_naming_the_field(system_env, monkeypatch, capsys, argv, stdin, message):
    assert await rj("user", "add", "pat", *argv, "--password-stdin", stdin=stdin, monkeypatch=monkeypatch) == 2
    assert message in capsys.readouterr().err


async def test_rj_user_refuses_the_same_name_twice_and_unknown_names(system_env, monkeypatch, capsys):
    assert await rj("user", "add", "pat", "--role", "admin", "--password-stdin", stdin=PASSWORD,
                    monkeypatch=monkeypatch) == 0
    assert await rj("user", "add", "PAT", "--role", "admin", "--password-stdin", stdin=PASSWORD,
                    monkeypatch=monkeypatch) == 2
    assert "username: 'PAT' is taken" in capsys.readouterr().err
    assert await rj("user", "disable", "nobody", monkeypatch=monkeypatch) == 1
    assert "no account is called 'nobody'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        await rj("user", "add", "pat", "--role", "partner", "--password-stdin", monkeypatch=monkeypatch)
    assert "invalid choice: 'partner'" in capsys.readouterr().err


async def test_rj_user_add_reads_the_password_from_a_real_pipe(system_env):
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "rj", "user", "add", "quinn", "--role", "auditor",
                         "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pool = await create_pool(system_env, max_size=1)
    try:
        assert (await Accounts(pool).verify_password("QUINN", PASSWORD)).role == "auditor"
    finally:
        await pool.close()


async def test_rj_user_email_is_kept_sealed_and_refused_when_it_is_no_address(system_env, monkeypatch, capsys):
    import base64

    from shared.crypto.keystore import LocalKeyWrapper, PostgresKeyStore
    from shared.identity.contact import opened_email

    kek = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("RJ_KEY_ENCRYPTION_KEY", kek)
    assert await rj("user", "add", "ada", "--role", "facilitator", "--level", "advanced", "--email",
                    "Ada.Facilitator@rj.example.org", "--password-stdin", stdin=PASSWORD, monkeypatch=monkeypatch) == 0
    assert await rj("user", "email", "ada", "not an address", monkeypatch=monkeypatch) == 2
    assert "email: 'not an address' is not an email address" in capsys.readouterr().err
    assert await rj("user", "email", "nobody", "x@rj.example.org", monkeypatch=monkeypatch) == 1
    pool = await create_pool(system_env, max_size=1)
    try:
        raw = await pool.fetchval("SELECT contact::text FROM identity.accounts WHERE username = 'ada'")
        assert "rj.example.org" not in raw.lower() and "$sealed" in raw
        keys = PostgresKeyStore(pool, LocalKeyWrapper(base64.b64decode(kek)))
        [(name, contact)] = (await Accounts(pool).contacts(usernames=["ADA"])).values()
        assert name == "ada"
        assert await opened_email(contact, keys) == "Ada.Facilitator@rj.example.org"
        assert await rj("user", "email", "ada", "--remove", monkeypatch=monkeypatch) == 0
        assert await Accounts(pool).contacts(usernames=["ada"]) == {}
    finally:
        await pool.close()
