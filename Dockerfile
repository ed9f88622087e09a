# For container users; nothing in this project needs Docker to run or test (see docs/deploy.md).
# One image for every process: the command picks web, worker or beat (same lines as the Procfile).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# Production installs the runtime lock only: no test tools in the image.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# collectstatic needs settings but no real services or secrets.
RUN DJANGO_SETTINGS_MODULE=aln_site.settings.production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@127.0.0.1/build python manage.py collectstatic --noinput -v0
RUN useradd --create-home --uid 10001 app && chown -R app /app
USER app
ENV DJANGO_SETTINGS_MODULE=aln_site.settings.production PORT=8000
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "aln_site.wsgi:application"]
