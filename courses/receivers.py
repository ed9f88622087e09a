"""Order signals from the members app: a paid course order becomes an enrollment."""

from members.models import Order


def fulfil_course_order(sender, order, **kwargs) -> None:
    if order.kind != Order.Kind.COURSE:
        return
    from .services import course_order_fulfil

    course_order_fulfil(order=order)
