# Pathways for production: one image for the web server, the task worker and the
# scheduler (compose.yaml runs all three). Build: docker build -t pathways .

# The stylesheet and GOV.UK Frontend's assets, built with the same lock as `make install`.
FROM node:22-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src/pathways/static/scss src/pathways/static/scss
RUN npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATHWAYS_HOME=/app \
    PATHWAYS_STATIC_ROOT=/app/static \
    PATHWAYS_DOCUMENTS_DIR=/app/documents \
    PATH="/app/.venv/bin:$PATH"
RUN pip install --no-cache-dir uv
WORKDIR /app
# Dependencies first (from the committed lock, without the development tools), so a
# change to the code does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY src src
RUN uv sync --frozen --no-dev
COPY --from=assets /app/src/pathways/static/build src/pathways/static/build
COPY --from=assets /app/node_modules/govuk-frontend/dist/govuk/assets node_modules/govuk-frontend/dist/govuk/assets
RUN useradd --create-home --uid 10001 pathways \
    && mkdir -p /app/data /app/static /app/documents \
    && chown -R pathways /app/data /app/static /app/documents
USER pathways
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4).status != 200)"
CMD ["pathways", "serve", "--production"]
