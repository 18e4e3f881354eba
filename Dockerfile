FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STUDYBOT_DATA_DIR=/data STUDYBOT_CONTENT_DIR=/app/content \
    STUDYBOT_HEALTH_PORT=8080
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY scheduler ./scheduler
COPY content ./content
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 studybot && mkdir -p /data && chown studybot /data
USER studybot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["studybot"]
# `run` serves the configured platforms; with none configured it says what to set and exits 0 (no
# console: a container has no terminal). `docker compose run --rm bot discord invite` replaces it.
CMD ["run"]
