"""hdl/README.md's word bit maps are the generated ones (they cannot go stale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fasttrack.hw import docs
from fasttrack.hw.words import Field, WordLayout


def test_the_readme_holds_the_current_word_tables() -> None:
    assert docs.update_readme(write=False), "run: python -m fasttrack.hw.docs --write"


def test_a_stale_or_unmarked_readme_is_caught(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(docs.readme_path().read_text().replace("| `coord` |", "| `coordinate` |", 1))
    assert not docs.update_readme(stale, write=False)
    assert docs.update_readme(stale) is False and docs.update_readme(stale, write=False)  # rewritten, now fresh
    (tmp_path / "bare.md").write_text("# no markers\n")
    with pytest.raises(ValueError, match="marker lines"):
        docs.update_readme(tmp_path / "bare.md")


def test_the_table_gives_every_bit_once_with_the_padding_to_a_byte() -> None:
    lay = WordLayout((Field("last", 1, doc="end"), Field("x", 9, signed=True)))
    assert lay.tdata_bits == 16
    rows = lay.markdown().splitlines()[2:]
    assert rows[0].startswith("| 0 | `last` | 1 | unsigned | end |")
    assert rows[1].startswith("| 9:1 | `x` | 9 | signed |")
    assert rows[2].startswith("| 15:10 | (padding) | 6 |")
    assert WordLayout((Field("a", 8),)).markdown().count("padding") == 0
