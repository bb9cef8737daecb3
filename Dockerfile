# One image for every service; compose and Kubernetes choose the command
# (`claimflow api <service>` or `claimflow worker <service>`).
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
WORKDIR /app
COPY . .
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim
RUN useradd --system --uid 10001 claimflow
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY --from=build /app/services /app/services
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1
USER claimflow
EXPOSE 8000
CMD ["claimflow", "--help"]
