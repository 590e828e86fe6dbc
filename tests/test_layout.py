"""The tests' own layout (issue 12): helpers and factories live in tests/support/ and
tests/factories.py, fixtures in conftest.py files; no test module imports another test module or a
conftest, so that moving or deleting one test never breaks another."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _forbidden(module):
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last == "conftest" or last.startswith("test_"))


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offenders = [f"{path.relative_to(TESTS)} imports {module}"
                 for path in sorted(TESTS.rglob("*.py"))
                 for module in _imports(path) if _forbidden(module)]
    assert offenders == []


def test_the_rule_sees_both_kinds_of_import(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("from tests.alliance.conftest import member\nimport tests.boards.test_admin\n"
                      "from tests.support.alliance import member\n")
    found = [m for m in _imports(sample) if _forbidden(m)]
    assert found == ["tests.alliance.conftest", "tests.boards.test_admin"]
