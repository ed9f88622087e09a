"""Order lifecycle signals. The app that sold the thing fulfils or undoes it.

Receivers run inside the transaction that changed the order, so a failing
receiver rolls the whole change back and the webhook is retried.
Every signal is sent with sender=Order and order=<Order>.
"""

from django.dispatch import Signal

order_paid = Signal()
order_refunded = Signal()
order_failed = Signal()
order_expired = Signal()

# Sent with sender=User and user=<User> inside account_delete's transaction, before the person's details are
# wiped: feature apps delete what she made that must not outlive her account (e.g. uploaded student work).
account_deleting = Signal()
