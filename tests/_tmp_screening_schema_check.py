import sys
sys.path.insert(0, "/work/main/tests")
import pytest
from hypothesis import given
from test_api_schema import *  # noqa
from test_api_schema import FUZZ_SETTINGS, CHECKS, path_parameters_for
from test_api import registry  # noqa


def test_screening_ops(api_schema, admin_headers):
    from visd.screening.loader import load_lists
    load_lists()
    failures = []
    ops = [r.ok() for r in api_schema.get_all_operations()]
    ops = [o for o in ops if any(k in o.path for k in ("screenings", "export-restrictions", "country-notes"))
           and o.method.upper() in {"GET", "POST", "PATCH"}]
    assert ops
    for operation in ops:
        strategy = operation.as_strategy(path_parameters=path_parameters_for(operation, admin_headers))
        is_read = operation.method.upper() == "GET"

        @given(case=strategy)
        @FUZZ_SETTINGS
        def exercise(case):
            if is_read:
                case.call_and_validate(checks=CHECKS)
            case.call_and_validate(headers=admin_headers, checks=CHECKS)
        try:
            exercise()
        except Exception as error:
            failures.append(f"{operation.label}:\n{error}")
    assert not failures, "\n\n".join(failures)
