FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STUDYBOT_DATA_DIR=/data STUDYBOT_CONTENT_DIR=/app/content
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY scheduler ./scheduler
COPY content ./content
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 studybot && mkdir -p /data && chown studybot /data
USER studybot
VOLUME ["/data"]
ENTRYPOINT ["studybot"]
