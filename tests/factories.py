import factory
from django.contrib.auth import get_user_model

from boards.models import Board, BoardMembership, Institution


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
