# syntax=docker/dockerfile:1
# Tetra: the web app built with Node, then a slim Python image running as a non-root user.
# Build: docker build -t tetra .   Run the whole stack: docker compose up -d (compose.yml)

FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TETRA_DATA_DIR=/data \
    TETRA_WEB_DIR=/app/web/dist \
    TETRA_API_HOST=0.0.0.0
# pg_dump/pg_restore for `tetra store backup|restore` (client 15 = the compose database).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 tetra \
    && useradd --system --uid 10001 --gid tetra --home-dir /app --shell /usr/sbin/nologin tetra
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src/ src/
# Installs this project (its version ranges live in pyproject.toml), not a loose package.
# hadolint ignore=DL3013
RUN pip install --no-cache-dir ".[ml]"
COPY --from=web /web/dist /app/web/dist
RUN mkdir -p /data && chown tetra:tetra /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000 9108
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["tetra", "serve"]
