"""The enterprise domain: registry, admission (入板申报), tiers and the annual re-tiering,
custody (登记托管), disclosure (信息披露), data consent, Excel import and the enterprise score.

It stands on the kernel only; the other domain apps build on its models and selectors."""
