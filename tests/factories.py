import datetime as dt
import random
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from boards.enterprises.models import Enterprise
from boards.kernel.models import Board, BoardMembership, Institution
from boards.kernel.uscc import make_uscc


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"board-{n}")
    name_zh = factory.Sequence(lambda n: f"测试专板{n}")
    name_en = factory.Sequence(lambda n: f"Test board {n}")
    kind = "board"
    operator = "测试股权交易中心"
    region = "测试"
    filing_prefix = factory.Sequence(lambda n: f"TB{n}")
    regulators = factory.LazyFunction(lambda: [{"code": "kjt", "name": "科技厅"},
                                               {"code": "jrb", "name": "金融办"}])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.django.Password("demo-pass-123")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"INST{n:04d}")
    name = factory.Sequence(lambda n: f"测试银行{n}")
    kind = "bank"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMembership

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    role = "exchange_staff"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """Create inside the board's scope (the manager is scoped)."""

    class Meta:
        model = Enterprise

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"测试科技{n}有限公司")
    credit_code = factory.Sequence(lambda n: make_uscc(random.Random(f"enterprise:{n}"), "650104"))
    prefecture = "乌鲁木齐市"
    industry = "软件技术"
    main_business = "工业软件研发"
    founded_on = dt.date(2015, 6, 1)
    registered_capital = Decimal("10000000.00")
    legal_representative = "王建国"
    contact_name = "李娜"
    contact_phone = "13800000000"
    status = "admitted"
