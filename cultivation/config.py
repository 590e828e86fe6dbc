"""The "cultivation" board configuration section.

- ``securities_body``: the alliance federation (联合会, a code of the kernel's FederationDirectory)
  whose admitted securities firms may serve an enterprise's listing path ("联合券商和中介机构");
  empty: any securities firm taking part in the board (a board without the alliance).
"""

from boards.kernel.providers import FederationDirectory, provider

DEFAULT = {
    "securities_body": "professional",
}


def validate(value):
    if not isinstance(value, dict):
        return ["cultivation 必须是键值对象"]
    errors = [f"未知配置项 {key}" for key in sorted(set(value) - set(DEFAULT))]
    body = value.get("securities_body")
    bodies = provider(FederationDirectory).bodies()
    if not isinstance(body, str) or (body and body not in bodies):
        choices = "、".join(f"{code}（{name}）" for code, name in bodies.items())
        errors.append(f"securities_body 必须为空或是联合会代码之一（{choices}），当前为 {body!r}")
    return errors
