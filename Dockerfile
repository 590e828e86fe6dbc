# Production image: gunicorn (web), Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    ZHUANBAN_VAR_DIR=/var/lib/zhuanban

# WeasyPrint's libraries, harfbuzz-subset (without it PDFs render ~20x slower) and the CJK font
# whose 'Noto Sans CJK SC' face the filings select by family name.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first so code changes do not reinstall them.
COPY pyproject.toml ./
COPY requirements/lock.txt requirements/
COPY scripts/install.py scripts/
RUN python scripts/install.py

COPY . .
# Settings refuse to load without a secret key when DEBUG is off; this one only builds static files.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && useradd --system --no-create-home --home-dir /app zhuanban \
 && mkdir -p /var/lib/zhuanban/media \
 && chown zhuanban /var/lib/zhuanban/media

USER zhuanban
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--access-logfile", "-"]
