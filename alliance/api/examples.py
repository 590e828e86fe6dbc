"""Examples of the OpenAPI schema (realistic values of the demo boards)."""

INSTITUTION = {"code": "IMB", "name": "内蒙古银行股份有限公司", "kind": "bank"}

PRODUCT_IN = {"name": "科创e贷", "product_type": "credit_loan",
              "description": "面向科技型中小企业的纯信用贷款，线上申请。", "amount_min": "100000.00",
              "amount_max": "10000000.00", "rate_min": "3.450", "rate_max": "4.350", "term_min_months": 6,
              "term_max_months": 36, "approval_days": 5, "target_tiers": ["basic", "premium"],
              "required_qualifications": ["high_tech", "tech_sme"], "for_tech_enterprises": True,
              "board_preference": "专板企业利率下浮 20 个基点，开辟绿色审批通道。", "is_published": True, }
PRODUCT = {"id": 7, "institution": INSTITUTION, "product_type_name": "信用贷款", **PRODUCT_IN,
           "created_at": "2026-03-02T09:00:00+08:00", "updated_at": "2026-03-02T09:00:00+08:00"}

MEMBERSHIP_IN = {"body": "investment", "executive_lead": "王建国", "executive_title": "副行长",
                 "liaison_name": "李海燕", "liaison_phone": "0471-6661234",
                 "liaison_email": "lihy@example.com",
                 "declared_preference": "对专板企业开辟绿色审批通道，审批时限压缩三分之一。"}
MEMBERSHIP = {"id": 5, **MEMBERSHIP_IN, "state": "admitted", "state_name": "已入会",
              "check_result": [{"rule": "tech_product_or_preference", "met": True,
                                "reason": "有专为科技型企业设计的产品：科创信用贷"}],
              "reason": "", "applied_at": "2026-03-02T09:00:00+08:00", "admitted_on": "2026-03-10"}

PROFILE = {"industries": ["稀土功能材料", "新材料科技"], "tiers": ["basic", "premium"],
           "stages": ["angel", "A"], "amount_min": "1000000.00", "amount_max": "20000000.00",
           "updated_at": "2026-03-02T09:00:00+08:00"}

MATCHMAKING = {
    "id": 31, "enterprise": 42, "enterprise_name": "包头瑞达稀土功能材料有限公司",
    "need": {"id": 9, "amount": "5000000.00", "term_months": 24,
             "summary": "扩建稀土永磁材料生产线，需中期流动资金。"},
    "state": "interested", "state_name": "有意向", "allowed_steps": ["engage", "fail"],
    "match_reasons": [{"criterion": "industry", "met": True,
                       "reason": "企业行业「稀土功能材料」属于关注行业（稀土功能材料）"}],
    "reason_category": "", "reason_text": "", "failed_from": "", "value_report_requested_at": None,
    "value_report_ready": False, "financed_amount": None, "financed_instrument": "", "financed_on": None,
    "is_case": False, "pushed_at": "2026-03-02T09:00:00+08:00", "updated_at": "2026-03-03T10:20:00+08:00",
}
DECLINE = {"reason_category": "out_of_scope", "reason_text": "企业所在行业不在本行今年的授信投向内。"}
FAIL = {"reason_category": "collateral", "reason_text": "企业无可抵押资产，担保公司未出具担保意向。"}
FINANCE = {"amount": "5000000.00", "instrument": "ip_pledge_loan", "financed_on": "2026-05-20"}

RECOMMENDATION_IN = {"name": "赤峰恒博生物科技有限公司", "credit_code": "91150402MA0N8XXXXX",
                     "prefecture": "赤峰市", "industry": "生物科技",
                     "reason": "本基金已完成天使轮投资，企业研发投入占比高，推荐进入基础层。",
                     "invested": True}
RECOMMENDATION = {"id": 3, "credit_code": "91150402MA0N8XXXXX", "reason": RECOMMENDATION_IN["reason"],
                  "invested": True, "created_at": "2026-03-02T09:00:00+08:00"}

NEED = {"id": 9, "enterprise": 42, "enterprise_name": "包头瑞达稀土功能材料有限公司",
        "industry": "稀土功能材料", "tier": "basic", "amount": "5000000.00", "term_months": 24,
        "product_types": ["ip_pledge_loan", "credit_loan"],
        "summary": "扩建稀土永磁材料生产线，需中期流动资金。", "whitelisted_at": "2026-03-01T15:00:00+08:00"}

EXIT_CASE = {"id": 2, "body": "professional", "state": "notified", "state_name": "已通知机构",
             "grounds": "审计报告未按高新技术企业研发费用归集口径编制，不具备专业胜任能力。",
             "notice": "请于答复期限内就专家质疑意见作出书面说明。",
             "notified_at": "2026-03-02T09:00:00+08:00", "answer_due_at": "2026-03-16T23:59:59+08:00",
             "answer": "", "answered_at": None, "decision_reason": "", "decided_at": None}

ROUND = {"id": 1, "title": "2025年晋中市科技金融服务机构遴选",
         "notice": "根据《科技金融服务机构遴选及考核管理办法（试行）》……",
         "review_mode": "meeting_site_visit", "opens_on": "2025-04-01", "closes_on": "2025-04-30",
         "state": "open", "state_name": "申报中", "publicity_starts_on": None, "publicity_ends_on": None}

APPLICATION_IN = {"round": 1, "self_assessment": {
    "legal_entity": "2018 年成立，独立法人，无失信记录。", "capacity": "专职科技金融团队 12 人。",
    "partners": "与晋商银行、山西证券及 3 家律所、2 家会计师事务所签订合作协议。",
    "activities": "每季度举办融资对接会和项目路演。", "jcg": "为晋创谷入驻初创企业提供融资辅导。"}}
APPLICATION = {"id": 4, **APPLICATION_IN, "state": "eligible", "state_name": "资格审查通过",
               "eligibility": [{"rule": "established", "met": True,
                                "reason": "成立于 2018-06-01，至 2025-04-30 已满 3 年"
                                          "（满 3 年之日为 2021-06-01）"}],
               "submitted_at": "2025-04-10T10:00:00+08:00"}

PERFORMANCE_IN = {"enterprises_served": 6, "matchmaking_sessions": 1, "policy_sessions": 1,
                  "partner_banks": 4, "financing_amount": "3500000.00", "jcg_startups_served": 2,
                  "notes": "组织晋创谷专场路演一次。"}
PERFORMANCE = {"id": 12, "month": "2026-02-01", **PERFORMANCE_IN, "submitted_at": "2026-03-05T16:00:00+08:00",
               "due_at": "2026-03-10T23:59:59+08:00", "overdue": False}

PROGRESS = {"id": 3, "period": "2025H2", "summary": "下半年服务企业 38 家，促成融资 2,600 万元。",
            "submitted_at": "2026-01-12T09:00:00+08:00", "due_at": "2026-01-15T23:59:59+08:00",
            "evidence_sha256": "9f2c…"}

ATTESTATION = {"id": 1, "year": 2026,
               "statement": "本机构承诺：不以晋中市科技行政管理部门名义开展任何营利性活动，"
                            "不就所开展的科技金融服务事项向服务对象收取任何费用。",
               "attested_at": "2026-01-05T09:00:00+08:00"}
