"""Signals of the reviews app.

``quality_challenge_raised`` is sent after the transaction that recorded an expert's quality
challenge commits, with ``challenge_id``, ``board_id``, ``case_id``, ``institution_id`` and
``expert_id``; the alliance app turns it into the exit procedure. Receivers open the board's
scope themselves.
"""

from django.dispatch import Signal

quality_challenge_raised = Signal()
