"""The boards app's demo seeders (seed_demo autodiscovers ``<app>.demo``): the enterprise domain's."""

from boards.enterprises.demo import admission, custody, incentives, registry  # noqa: F401
