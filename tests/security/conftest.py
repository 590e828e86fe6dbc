from tests.isolation.conftest import _media_root, world  # noqa: F401  (the probe world, built once per module)
