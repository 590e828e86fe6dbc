"""Signals other apps listen to (boards never imports them back).

``tier_changed`` is sent after the transaction that moved an enterprise commits, with
``enterprise_id``, ``board_id``, ``from_tier``, ``to_tier``, ``kind`` (TierChangeKind) and
``actor_id``. Receivers run in the board's scope of the sender.
"""

from django.dispatch import Signal

tier_changed = Signal()
