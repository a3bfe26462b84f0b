"""The data directory's lock (rj/datadir.py): one holder at a time, who it is and since when, and
free again once released."""

from __future__ import annotations

import os

import pytest

from rj.datadir import DataDirInUse, DataDirLock, holder, leftovers


def test_a_second_holder_is_refused_naming_the_first_until_it_lets_go(tmp_path):
    first, second = DataDirLock(tmp_path), DataDirLock(tmp_path)
    first.acquire()
    with pytest.raises(DataDirInUse) as refused:
        second.acquire()
    message = str(refused.value)
    assert f"{tmp_path} is in use by another rj up (pid {os.getpid()}, since " in message
    assert f"rj --data-dir {tmp_path} status" in message and "\n" not in message
    assert holder(first.path)["pid"] == os.getpid()
    first.release()
    second.acquire()
    second.release()


def test_a_lock_file_being_written_still_gives_a_clear_refusal(tmp_path):
    assert str(DataDirInUse(tmp_path, {})).startswith(f"rj up: {tmp_path} is in use by another rj up (pid ?")


def test_nothing_is_left_over_on_a_directory_no_rj_up_ever_used(tmp_path):
    assert leftovers(tmp_path) == []
