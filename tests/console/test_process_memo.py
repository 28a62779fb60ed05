"""The per-process memo in front of the shared cache (console.process_memo): bounded, so a web
process serving many users and fragments keeps a fixed amount of memory."""

from console.process_memo import ProcessMemo


def test_the_least_recently_used_entry_goes_first_once_full() -> None:
    memo: ProcessMemo[str] = ProcessMemo(max_entries=2)
    memo.put("a", "first")
    memo.put("b", "second")
    assert memo.get("a") == "first"  # now the most recently used

    memo.put("c", "third")

    assert memo.get("b") is None
    assert (memo.get("a"), memo.get("c")) == ("first", "third")
    assert len(memo) == 2


def test_the_sizes_kept_stay_under_the_limit() -> None:
    memo: ProcessMemo[str] = ProcessMemo(max_entries=100, max_size=10, size_of=len)
    memo.put("a", "x" * 6)
    memo.put("b", "y" * 6)  # 12 > 10: the oldest goes
    memo.put("too big", "z" * 11)  # never kept

    assert memo.get("a") is None
    assert memo.get("b") == "y" * 6
    assert memo.get("too big") is None


def test_a_key_stored_again_holds_the_new_value_once() -> None:
    memo: ProcessMemo[str] = ProcessMemo(max_entries=10, max_size=10, size_of=len)
    memo.put("a", "x" * 6)
    memo.put("a", "y" * 6)  # replaces: 6 kept, not 12

    assert memo.get("a") == "y" * 6
    memo.put("b", "z" * 4)
    assert memo.get("a") == "y" * 6
