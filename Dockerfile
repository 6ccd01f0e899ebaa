# syntax=docker/dockerfile:1
# The connector's production image (docs/adr/016): the server compiled ahead of time by
# `npm run build` (dist/server.mjs) and run by plain node with production dependencies only, as
# the unprivileged `node` user. Three stages: build (all dependencies, the bundles), deps
# (`npm ci --omit=dev`), and the runtime image, which holds neither TypeScript nor tsx.
# Written without a Docker daemon at hand: test/build/container.test.ts checks what it can
# (the files copied, the health check command, the entry point), not a real `docker build`.

ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# .npmrc: no install scripts (Hull's test tools pull optional native downloads).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json rollup.config.mjs ./
COPY scripts/build-server.mjs scripts/
COPY common common
COPY client client
COPY server server
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
# HOST: listen on every interface of the container. DATA_DIR: the embedded mode's files (and, with
# REDIS_URL, extract downloads while their job runs) on a volume. PUBLIC_URL has no sensible
# default here: set it to the address Hull and Intercom reach.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
# What the server reads at runtime, from the folder holding package.json (server/paths.ts).
COPY package.json manifest.json ./
COPY assets assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# node rather than curl: the slim image has no curl. /health answers 200 while the process serves.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form, PID 1): it stops accepting, pauses jobs at their
# checkpoint and flushes the firehose before exiting.
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
