"""What casework tells the apps above it, which it must not import.

``episode_closed`` is sent inside ``close_episode``'s transaction with ``episode``,
``on`` (the day support ended) and ``reason`` (an ``EndReason``): the employment app
records progression to unsupported work when the person is in a job then. A receiver
that raises undoes the close.
"""

from __future__ import annotations

from django.dispatch import Signal

episode_closed = Signal()
