import datetime as dt
import random
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from alliance.models import Membership, MembershipState, Product
from boards.enterprises.models import Enterprise
from boards.kernel.models import Board, BoardMembership, Institution, Role
from boards.kernel.uscc import make_uscc
from policies.models import Policy
from reviews.models import Expert


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


class AllianceMembershipFactory(factory.django.DjangoModelFactory):
    """Create inside the board's scope."""

    class Meta:
        model = Membership

    institution = factory.SubFactory(InstitutionFactory)
    body = "investment"
    state = MembershipState.ADMITTED
    executive_lead = "王建国"
    executive_title = "副行长"
    liaison_name = "李海燕"
    liaison_phone = "13800000000"


class ProductFactory(factory.django.DjangoModelFactory):
    """Create inside the board's scope."""

    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"科创贷{n}号")
    product_type = "credit_loan"
    amount_min = Decimal("100000")
    amount_max = Decimal("5000000")
    rate_min = Decimal("3.450")
    rate_max = Decimal("4.350")
    term_min_months = 6
    term_max_months = 36
    approval_days = 5


class PolicyFactory(factory.django.DjangoModelFactory):
    """Create inside the board's scope; pass ``board``."""

    class Meta:
        model = Policy

    code = factory.Sequence(lambda n: f"policy-{n}")
    title = factory.Sequence(lambda n: f"测试政策{n}")
    summary = "测试政策内容"
    source_document = "内蒙古自治区关于加强财政金融协同服务科技“突围”工程的意见"
    document_number = "内党金办发〔2025〕15号"
    source_clause = "一、（一）"
    issuing_bodies = factory.LazyFunction(lambda: ["内蒙古自治区科学技术厅"])
    payer = "kjt"
    valid_from = dt.date(2025, 3, 26)
    beneficiary = "enterprise"
    conditions = factory.LazyFunction(list)
    benefit_kind = "fixed"
    amount = Decimal("300000")
    recurrence = "one_time"


class ExpertFactory(factory.django.DjangoModelFactory):
    """An expert of ``board`` with an expert membership; create inside the board's scope."""

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    board = None
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"专家{n}")
    field = "tech"
    source = "kjt_pool"

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        MembershipFactory(user=self.user, board=self.board, role=Role.EXPERT, institution=self.institution)
