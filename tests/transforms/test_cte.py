"""tests/transforms/cte.py reaches every model: each ends with `select * from final` (the
shape transforms/models.py describes), so any of its named CTEs can be selected instead."""

from __future__ import annotations

import pytest

from tests.transforms.cte import cte_sql
from transforms.models import discover

MODELS = discover()


@pytest.mark.parametrize("model", [m.name for m in MODELS])
def test_every_model_selects_from_final_at_the_end(model: str) -> None:
    assert cte_sql(model, "final", "1").rstrip().endswith("select 1 from final")


def test_a_cte_the_model_does_not_name_is_refused() -> None:
    with pytest.raises(KeyError, match="int_training_intervals has no CTE 'merged'"):
        cte_sql("int_training_intervals", "merged")
