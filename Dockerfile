# The dashboard as a container image (docs/DEPLOY.md). Two targets:
#   app   (the default)  one replica: python -m peer_challenges.app.serve, the command the tests run
#   store               the S3 emulator the tests use (moto, server mode), for trying the deployment out
# The app runs as a non-root user; deploy/compose.yaml also makes its filesystem read-only apart from
# /cache (the dataset cache, PEER_CHALLENGES_CACHE_DIR) and /tmp (uploads on the Contribute page).
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
WORKDIR /srv/peer-challenges

FROM base AS store
RUN pip install "moto[server]==5.2.5"
USER app
EXPOSE 5000
CMD ["python", "-m", "moto.server", "-H", "0.0.0.0", "-p", "5000"]

FROM base AS app
COPY requirements.txt ./
RUN pip install -r requirements.txt
# the code and the committed dataset, owned by root: the app user can read them, not change them
COPY . .
RUN mkdir -p /cache && chown app:app /cache
ENV PEER_CHALLENGES_CACHE_DIR=/cache \
    DATA_DIR=/srv/peer-challenges/data
USER app
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/health', timeout=4).status != 200)"]
CMD ["python", "-m", "peer_challenges.app.serve", "--server.headless", "true", "--server.port", "8501", \
     "--server.address", "0.0.0.0", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
