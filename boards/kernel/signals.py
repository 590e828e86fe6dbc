"""Signals one domain app sends and another receives: the kernel names them, so that neither app
imports the other.

``quality_challenge_raised``: an expert found a service institution's documents unfit (seed: 专家
对中介机构文件质量提出质疑 → 联盟退出程序). Sent by the reviews app after the transaction that
recorded the challenge commits, with keyword arguments ``challenge_id``, ``board_id``, ``case_id``,
``institution_id``, ``expert_id``, ``source`` (a stable string naming the challenge, for
idempotent receivers) and ``grounds`` (the expert's text). Receivers open the board's scope
themselves.

``service_delivered``: an enterprise received a service that it may be asked to rate (840号 (二十三)
服务企业满意度): a service or visit recorded in the enterprise database, a matchmaking concluded.
Sent after the recording transaction commits, with ``board_id``, ``enterprise_id``, ``source`` (a
stable "app.model:pk" naming the service, for idempotent receivers), ``label`` (what it was, in
Chinese), ``institution_id`` (the institution that served, or None) and ``occurred_on`` (a date).
"""

from django.dispatch import Signal

quality_challenge_raised = Signal()
service_delivered = Signal()
