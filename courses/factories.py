from home.factories import PageFactory

from .models import CourseIndexPage


class CourseIndexPageFactory(PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"
