"""Shared field helpers of the policy models."""




MONEY = {"max_digits": 18, "decimal_places": 2}


RATE = {"max_digits": 8, "decimal_places": 6}
