# syntax=docker/dockerfile:1
#
# The API and CPU worker image: one image, the command picks the process.
#   docker build -t diffgrad .
#   docker run -p 8080:8080 -e REDIS_URL=redis://redis:6379 diffgrad       # API (the default CMD)
#   docker run -e REDIS_URL=redis://redis:6379 diffgrad node dist/worker.js  # a worker
# Without REDIS_URL the API runs jobs in its own process (embedded queue).
# The GPU worker has its own image: docker/Dockerfile.gpu.

# ---- build: the full dependency tree (TypeScript), compiled to dist/ ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The manifests alone first, so the dependency layer is reused until they change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies, the compiled service and the shipped models ----
FROM node:20-bookworm-slim AS runtime
# tini is PID 1: it hands SIGTERM to node (so a worker finishes or hands back its jobs
# instead of being killed mid-step) and reaps the job sandboxes' exited processes. It is
# run without -g on purpose: signalling the whole group would kill the sandboxed jobs
# before the worker could let them finish.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    MODELS_DIR=/app/models \
    WORKER_HEARTBEAT_FILE=/tmp/diffgrad-worker.heartbeat
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY models ./models
# The files stay root-owned and read-only to the service; it writes only its heartbeat in /tmp.
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/healthcheck.js", "api"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server.js"]
