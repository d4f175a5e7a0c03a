# kobuild's dashboard as a container image.
#
#   docker build -t kobuild .                  # or: docker compose build
#
# Stages: `builder` installs the npm packages and runs `next build` (Next's
# standalone output); `runtime` is a small image with that output, the static
# files, the database migrations and the Dockerfiles of kobuild's own image
# operations, run by a non-root user. BuildKit builds only the stages the
# target needs.
#
# NODE_IMAGE is the base of both stages: any Debian bookworm image with Node
# 20.9+ (better-sqlite3 is a native module built against glibc).
#
# APP_FROM=prebuilt takes an app already built on this machine (`npx next
# build`, with Node on the same Debian) from the build context instead of
# building it in `builder`: the runtime stage is then made without the npm
# registry. kobuild's own container test builds the image that way.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG APP_FROM=builder

FROM ${NODE_IMAGE} AS builder
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build

# The build context as it is after `npx next build` on the host.
FROM ${NODE_IMAGE} AS prebuilt
WORKDIR /app
COPY . .

FROM ${APP_FROM} AS app

FROM ${NODE_IMAGE} AS runtime
# git clones and fetches workspaces; ssh reaches ssh remotes and ssh:// engines.
# A base that already has them is used as it is.
RUN if ! command -v git >/dev/null || ! command -v ssh >/dev/null; then \
      apt-get update \
      && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# kobuild runs as its own user. The engine's socket belongs to root and the
# engine host's `docker` group: give the container that group's id
# (`docker run --group-add "$(stat -c %g /var/run/docker.sock)"`, or
# compose's DOCKER_GID).
RUN groupadd --gid 10001 kobuild \
 && useradd --uid 10001 --gid kobuild --no-create-home --home-dir /data --shell /usr/sbin/nologin kobuild \
 && mkdir -p /data \
 && chown kobuild:kobuild /data \
 && chmod 0700 /data
WORKDIR /app
# The server with what `next build` traced it reads: the node_modules it uses
# (better-sqlite3, dockerode and its .proto files...), the migrations applied
# at start-up (drizzle/) and kobuild's own Dockerfiles of merge, squash and
# collector (sample/collector/kernel-modules/dockerized/). Static files are not
# part of it.
COPY --from=app --chown=root:root /app/.next/standalone ./
COPY --from=app --chown=root:root /app/.next/static ./.next/static
# NEXT_MANUAL_SIG_HANDLE: kobuild answers SIGTERM itself (docker stop), draining running builds before it exits.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NEXT_MANUAL_SIG_HANDLE=true \
    KOBUILD_DATA_DIR=/data \
    KOBUILD_HOST=0.0.0.0 \
    KOBUILD_PORT=3000 \
    DOCKER_HOST=unix:///var/run/docker.sock
USER kobuild
VOLUME ["/data"]
EXPOSE 3000
# /api/health answers 200 while the database does (503 otherwise); the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.KOBUILD_PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Next's standalone server listens on HOSTNAME:PORT; kobuild's variables name them.
CMD ["sh", "-c", "HOSTNAME=\"$KOBUILD_HOST\" PORT=\"$KOBUILD_PORT\" exec node server.js"]
