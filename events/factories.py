from home.factories import PageFactory

from .models import EventIndexPage


class EventIndexPageFactory(PageFactory):
    class Meta:
        model = EventIndexPage

    title = "Workshops"
    slug = "workshops"
